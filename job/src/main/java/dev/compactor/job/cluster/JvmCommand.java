package dev.compactor.job.cluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command lines of the cluster's JVMs, as Flink's own {@code jobmanager.sh} and {@code taskmanager.sh} would
 * build them: heap, direct and metaspace limits computed by Flink from the configured process size, and the memory
 * layout handed to the process as dynamic properties.
 */
final class JvmCommand {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /** What a Flink 1.20 distribution's config.yaml passes as env.java.default-opts.all, for Java 17's modules. */
    private static final List<String> MODULE_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private JvmCommand() {}

    static List<String> jobManager(ClusterSettings settings, Configuration conf) {
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                conf, JobManagerOptions.TOTAL_PROCESS_MEMORY);
        return command(settings, ClusterProcess.JOB_MANAGER, JOB_MANAGER_MAIN,
                JobManagerProcessUtils.generateJvmParametersStr(spec, conf),
                JobManagerProcessUtils.generateDynamicConfigsStr(spec), List.of());
    }

    /** A task manager whose resource id is its process name, so the REST API's task manager ids name processes. */
    static List<String> taskManager(ClusterSettings settings, Configuration conf, String name) {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(
                TaskExecutorProcessUtils.getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                        conf, TaskManagerOptions.TOTAL_PROCESS_MEMORY));
        // env.java.opts.taskmanager, as taskmanager.sh passes it
        return command(settings, name, TASK_MANAGER_MAIN, ProcessMemoryUtils.generateJvmParametersStr(spec) + " "
                        + conf.get(CoreOptions.FLINK_TM_JVM_OPTIONS),
                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec),
                List.of("-D", TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=" + name));
    }

    private static List<String> command(ClusterSettings settings, String name, String mainClass, String jvmMemory,
                                        String memoryLayout, List<String> extraArgs) {
        ClusterDirectory dir = settings.directory();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(words(jvmMemory));
        cmd.addAll(MODULE_OPENS);
        cmd.add("-Dlog.file=" + dir.logFile(name));
        cmd.add("-Dlog4j.configurationFile=" + ClusterConfigFile.log4jFile(dir).toUri());
        cmd.add("-cp");
        cmd.add(settings.runtimeClasspath());
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(dir.conf().toString());
        cmd.addAll(words(memoryLayout));
        cmd.addAll(extraArgs);
        return cmd;
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
}
