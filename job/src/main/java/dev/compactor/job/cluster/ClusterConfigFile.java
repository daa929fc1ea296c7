package dev.compactor.job.cluster;

import dev.compactor.job.RocksDbMemory;

import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the cluster's {@code conf/config.yaml} (Flink 1.20's standard-YAML configuration file, which every process
 * reads through {@code --configDir}) and the log4j configuration of its processes.
 */
public final class ClusterConfigFile {

    static final MemorySize JOB_MANAGER_MEMORY = MemorySize.parse("1 gb");
    /** Leaves RocksDB about 500 MB of managed memory per task manager; two of them fit a laptop. */
    static final MemorySize TASK_MANAGER_MEMORY = MemorySize.parse("1536 mb");

    private static final String PROMETHEUS = "metrics.reporter.prom.";
    /**
     * Task managers merge with the parallel collector: on the merge benchmark's small files G1's concurrent
     * marking and barriers cost a fifth of the merge's time (docs/benchmarks.md).
     */
    static final String TASK_MANAGER_JVM_OPTIONS = "-XX:+UseParallelGC";

    private ClusterConfigFile() {}

    /** The configuration every process of the cluster shares. */
    public static Configuration configuration(ClusterSettings settings) {
        ClusterDirectory dir = settings.directory();
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.ADDRESS, "localhost");
        conf.set(JobManagerOptions.PORT, settings.rpcPort());
        conf.set(JobManagerOptions.BIND_HOST, "localhost");
        conf.set(TaskManagerOptions.HOST, "localhost");
        conf.set(TaskManagerOptions.BIND_HOST, "localhost");
        conf.set(RestOptions.ADDRESS, "localhost");
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        conf.set(RestOptions.PORT, settings.restPort());

        conf.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, JOB_MANAGER_MEMORY);
        conf.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, TASK_MANAGER_MEMORY);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, settings.slotsPerTaskManager());
        conf.set(CoreOptions.FLINK_TM_JVM_OPTIONS, TASK_MANAGER_JVM_OPTIONS);
        // a job of parallelism 2 then runs on both task managers, so losing one is a real partial failure
        conf.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);

        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        RocksDbMemory.applyDefaults(conf);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.checkpoints().toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dir.savepoints().toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        // a cancelled job keeps its last checkpoint, so it can be resumed like a savepoint
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);

        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(10));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 10);
        // Flink's 50 s heartbeat timeout is sized for networks; a killed local process should be noticed in seconds
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(2));
        conf.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, Duration.ofSeconds(10));

        conf.set(QueryableStateOptions.ENABLE_QUERYABLE_STATE_PROXY_SERVER, true);
        conf.setString(QueryableStateOptions.PROXY_PORT_RANGE.key(), settings.queryableStateProxyPorts());
        conf.setString(QueryableStateOptions.SERVER_PORT_RANGE.key(), settings.queryableStateServerPorts());

        conf.setString(PROMETHEUS + "factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString(PROMETHEUS + "port", settings.prometheusPorts());

        String scratch = dir.scratch().toString();
        conf.set(WebOptions.UPLOAD_DIR, scratch);
        conf.set(CoreOptions.TMP_DIRS, scratch);
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, scratch);
        return conf;
    }

    /** Writes config.yaml and log4j.properties into the conf directory; returns the config file. */
    public static Path write(ClusterSettings settings) throws IOException {
        ClusterDirectory dir = settings.directory();
        dir.create();
        Path file = dir.conf().resolve(GlobalConfiguration.FLINK_CONF_FILENAME);
        Files.writeString(file, yaml(configuration(settings).toMap()), StandardCharsets.UTF_8);
        Files.writeString(log4jFile(dir), LOG4J, StandardCharsets.UTF_8);
        return file;
    }

    public static Path log4jFile(ClusterDirectory dir) {
        return dir.conf().resolve("log4j.properties");
    }

    /** Flat keys with double-quoted values: valid YAML whatever the value holds. */
    static String yaml(Map<String, String> entries) {
        StringBuilder out = new StringBuilder("# Generated by bin/compactor cluster up; rewritten on every start.\n");
        new TreeMap<>(entries).forEach((key, value) ->
                out.append(key).append(": \"").append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
        return out.toString();
    }

    private static final String LOG4J = String.join("\n",
            "# Generated by bin/compactor cluster up. Each process logs to ${sys:log.file}, which the dashboard shows.",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = File",
            "appender.file.type = RollingFile",
            "appender.file.name = File",
            "appender.file.fileName = ${sys:log.file}",
            "appender.file.filePattern = ${sys:log.file}.%i",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5level %-60c %x - %m%n",
            "appender.file.policies.type = Policies",
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.file.policies.size.size = 50MB",
            "appender.file.strategy.type = DefaultRolloverStrategy",
            "appender.file.strategy.max = 5",
            "logger.hadooputils.name = org.apache.flink.runtime.util.HadoopUtils",
            "logger.hadooputils.level = ERROR",
            "logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader",
            "logger.nativecode.level = ERROR",
            "");
}
