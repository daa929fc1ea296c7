package dev.compactor.job;

import dev.compactor.job.source.KinesisNotificationSource;
import dev.compactor.store.S3Settings;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Runs the compaction job inside this JVM on a bucket (a local directory, or S3 with events from Kinesis), with the Flink dashboard,
 * RocksDB incremental checkpoints kept on disk, a restart strategy and the queryable state proxy: the same
 * job as in production, minus the cluster.
 *
 * <p>Our local-mode defaults only fill gaps: any Flink option the user set wins.
 */
public final class LocalRunner {

    public static final String JOB_NAME = "parquet-compactor";
    public static final int DEFAULT_REST_PORT = 8081;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    static final String DEFAULT_STATE_SUBDIR = "_state";
    /** Under the working directory; one subdirectory per S3 bucket and prefix. */
    static final String DEFAULT_S3_STATE_DIR = ".compactor-state";

    /** Flink options this class reads itself, so their values are checked before Flink starts. */
    private static final List<ConfigOption<?>> FLINK_OPTIONS_READ = List.of(
            RestOptions.PORT, CheckpointingOptions.CHECKPOINTING_INTERVAL);

    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

    private final Configuration conf;
    private final BiConsumer<StreamExecutionEnvironment, Configuration> pipeline;

    LocalRunner(Configuration conf, BiConsumer<StreamExecutionEnvironment, Configuration> pipeline) {
        this.conf = localConfiguration(conf);
        this.pipeline = pipeline;
    }

    /** A runner for the compaction pipeline; checks the configuration but starts nothing. */
    public static LocalRunner of(Configuration userConf) {
        return new LocalRunner(userConf, CompactorPipeline::build);
    }

    /**
     * The complete configuration of a local run: the user's options, checked, with the bucket made absolute and
     * local-mode defaults where the user gave none. Touches neither the file system nor Flink.
     */
    public static Configuration localConfiguration(Configuration userConf) {
        Configuration conf = new Configuration(userConf);
        OptionReader.checkAll(conf, CompactorOptions.all());
        OptionReader.checkAll(conf, FLINK_OPTIONS_READ);

        Path defaultStateDir;
        if (BucketLocation.isS3(conf.get(CompactorOptions.BUCKET))) {
            S3Settings s3 = BucketLocation.s3Settings(conf);
            // Checkpoints stay on local disk: Flink's S3 file system plugin is not part of a local run.
            defaultStateDir = Path.of(DEFAULT_S3_STATE_DIR, s3.bucket(), s3.prefix()).toAbsolutePath();
        } else {
            Path bucket = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), conf.get(CompactorOptions.BUCKET));
            conf.set(CompactorOptions.BUCKET, bucket.toString());
            defaultStateDir = bucket.resolve(DEFAULT_STATE_SUBDIR);
        }
        if (EventSource.parse(conf.get(CompactorOptions.EVENTS_SOURCE)) == EventSource.KINESIS) {
            KinesisNotificationSource.create(conf);
        }
        Path stateDir = conf.getOptional(CompactorOptions.STATE_DIR)
                .map(dir -> LocalDirectory.resolve(CompactorOptions.STATE_DIR.key(), dir))
                .orElse(defaultStateDir);
        conf.set(CompactorOptions.STATE_DIR, stateDir.toString());

        setIfAbsent(conf, RestOptions.PORT, DEFAULT_REST_PORT);

        setIfAbsent(conf, StateBackendOptions.STATE_BACKEND, "rocksdb");
        setIfAbsent(conf, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        RocksDbMemory.applyDefaults(conf);
        setIfAbsent(conf, CheckpointingOptions.CHECKPOINTS_DIRECTORY, stateDir.resolve("checkpoints").toUri().toString());
        setIfAbsent(conf, CheckpointingOptions.SAVEPOINT_DIRECTORY, stateDir.resolve("savepoints").toUri().toString());
        setIfAbsent(conf, CheckpointingOptions.CHECKPOINTING_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        // Flink deletes checkpoints of a cancelled job by default; Ctrl-C cancels, and the next run should be
        // able to resume from what the last one committed.
        setIfAbsent(conf, CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);

        // A failing merge or commit retries a few times with growing pauses, then fails the run visibly
        // instead of looping forever.
        setIfAbsent(conf, RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        setIfAbsent(conf, RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        setIfAbsent(conf, RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
        setIfAbsent(conf, RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 5);

        // The status API answers from WindowTracker's queryable state.
        setIfAbsent(conf, QueryableStateOptions.ENABLE_QUERYABLE_STATE_PROXY_SERVER, true);
        return conf;
    }

    public Configuration configuration() {
        return new Configuration(conf);
    }

    /** The bucket as configured: an absolute directory or an s3:// URI. */
    public String bucket() {
        return conf.get(CompactorOptions.BUCKET);
    }

    /** The bucket's directory, for what only works on a local bucket (the demo's writer simulator). */
    public Path localBucket() {
        if (BucketLocation.isS3(bucket())) {
            throw new InvalidOptionException("--" + CompactorOptions.BUCKET.key() + " " + bucket()
                    + ": this command needs a local directory as the bucket");
        }
        return Path.of(bucket());
    }

    public String dashboardUrl() {
        return "http://localhost:" + conf.get(RestOptions.PORT) + "/";
    }

    /**
     * What the next {@link #start()} restores: the savepoint or checkpoint the user named with
     * {@code execution.state-recovery.path}, else the newest checkpoint a previous run left in the state directory
     * (a run killed at any moment resumes where its last checkpoint was), else nothing.
     */
    public Optional<String> restorePath() {
        Optional<String> named = conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH);
        if (named.isPresent() || !conf.get(CompactorOptions.RESUME)) {
            return named;
        }
        return localCheckpointsDirectory()
                .flatMap(RetainedCheckpoints::latest)
                .map(checkpoint -> checkpoint.directory().toString());
    }

    /** The checkpoint directory when it is on the local file system (a user may point it at a remote store). */
    private Optional<Path> localCheckpointsDirectory() {
        URI dir = URI.create(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        if (dir.getScheme() == null) {
            return Optional.of(Path.of(dir.getPath()));
        }
        return "file".equals(dir.getScheme()) ? Optional.of(Path.of(dir)) : Optional.empty();
    }

    /** Creates the bucket if needed and submits the job; it runs until cancelled through the returned client. */
    public JobClient start() throws Exception {
        return start(restorePath());
    }

    /** Submits the job restoring {@code restorePath}, as returned by {@link #restorePath()}; empty starts fresh. */
    public JobClient start(Optional<String> restorePath) throws Exception {
        if (!BucketLocation.isS3(bucket())) {
            LocalDirectory.prepare(CompactorOptions.BUCKET.key(), localBucket());
        }
        Configuration runConf = new Configuration(conf);
        restorePath.ifPresent(path -> runConf.set(StateRecoveryOptions.SAVEPOINT_PATH, path));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(runConf);
        pipeline.accept(env, runConf);
        JobClient job = env.executeAsync(JOB_NAME);
        LOG.info("Job {} ({}) running on bucket {}; restored from {}; dashboard {}; checkpoints in {}", JOB_NAME,
                job.getJobID(), bucket(), restorePath.orElse("nothing (fresh start)"), dashboardUrl(),
                conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        return job;
    }

    private static <T> void setIfAbsent(Configuration conf, ConfigOption<T> option, T value) {
        if (!conf.contains(option)) {
            conf.set(option, value);
        }
    }
}
