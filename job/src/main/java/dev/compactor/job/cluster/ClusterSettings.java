package dev.compactor.job.cluster;

import java.nio.file.Path;

/**
 * Shape and addresses of a local cluster. The port ranges let several task managers (and another cluster's) share
 * one host: each process binds the first free port of a range.
 *
 * @param runtimeClasspath the Flink runtime jars the JVMs run on, without the job's classes
 */
public record ClusterSettings(
        ClusterDirectory directory,
        String runtimeClasspath,
        int restPort,
        int rpcPort,
        int taskManagers,
        int slotsPerTaskManager,
        String queryableStateProxyPorts,
        String queryableStateServerPorts,
        String prometheusPorts) {

    public static final int DEFAULT_REST_PORT = 8081;
    public static final int DEFAULT_RPC_PORT = 6123;

    public ClusterSettings {
        if (taskManagers < 1) {
            throw new IllegalArgumentException("a cluster needs at least one task manager, got " + taskManagers);
        }
        if (slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("a task manager needs at least one slot, got " + slotsPerTaskManager);
        }
        if (runtimeClasspath == null || runtimeClasspath.isBlank()) {
            throw new IllegalArgumentException("no Flink runtime classpath given");
        }
    }

    /** The cluster bin/compactor starts: dashboard on 8081, Flink's usual ports. */
    public static ClusterSettings defaults(Path stateDir, String runtimeClasspath, int taskManagers, int slots) {
        return new ClusterSettings(new ClusterDirectory(stateDir), runtimeClasspath, DEFAULT_REST_PORT,
                DEFAULT_RPC_PORT, taskManagers, slots, "9069-9078", "9079-9088", "9249-9258");
    }

    public String restUrl() {
        return "http://localhost:" + restPort;
    }
}
