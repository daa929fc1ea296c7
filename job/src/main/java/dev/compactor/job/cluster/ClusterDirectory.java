package dev.compactor.job.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The state directory of a local cluster ({@code .cluster/} by default): generated configuration, one pid file and
 * one log per process, checkpoints, savepoints and the processes' scratch space. {@code down} keeps everything but
 * the pid files, so logs and checkpoints outlive the cluster.
 */
public record ClusterDirectory(Path root) {

    public ClusterDirectory {
        root = root.toAbsolutePath().normalize();
    }

    public Path conf() {
        return root.resolve("conf");
    }

    public Path logs() {
        return root.resolve("log");
    }

    public Path pids() {
        return root.resolve("pid");
    }

    public Path pidFile(String process) {
        return pids().resolve(process + ".pid");
    }

    public Path logFile(String process) {
        return logs().resolve(process + ".log");
    }

    /** Standard output and error of a process: JVM crashes and anything printed before logging starts. */
    public Path outFile(String process) {
        return logs().resolve(process + ".out");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path savepoints() {
        return root.resolve("savepoints");
    }

    /** Uploaded jars, blobs and RocksDB working directories. */
    public Path scratch() {
        return root.resolve("tmp");
    }

    public void create() throws IOException {
        for (Path dir : new Path[] {conf(), logs(), pids(), checkpoints(), savepoints(), scratch()}) {
            Files.createDirectories(dir);
        }
    }
}
