package dev.compactor.job.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One JVM of a local cluster, known by its name and pid file. Before it signals a pid it checks that the process
 * still runs with this cluster's configuration directory, so a stale pid file never makes it kill an unrelated
 * process that reused the pid.
 */
final class ClusterProcess {

    static final String JOB_MANAGER = "jobmanager";
    static final String TASK_MANAGER_PREFIX = "taskmanager-";

    private ClusterProcess() {}

    /** Starts a process detached from this JVM's lifetime: output to its .out file, pid in its pid file. */
    static ProcessHandle start(ClusterDirectory dir, String name, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command)
                .directory(dir.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.outFile(name).toFile()))
                .start();
        Files.writeString(dir.pidFile(name), process.pid() + "\n", StandardCharsets.UTF_8);
        return process.toHandle();
    }

    /** The live process behind a pid file of this cluster, if any. */
    static Optional<ProcessHandle> find(ClusterDirectory dir, String name) {
        Path pidFile = dir.pidFile(name);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains(dir.conf().toString())).orElse(false));
    }

    /** Names of the processes that have a pid file, alive or not. */
    static List<String> names(ClusterDirectory dir) throws IOException {
        if (!Files.isDirectory(dir.pids())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.pids())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".pid"))
                    .map(f -> f.substring(0, f.length() - ".pid".length()))
                    .sorted()
                    .toList();
        }
    }

    /** SIGTERM, then SIGKILL after the grace period; removes the pid file. True when a live process was stopped. */
    static boolean stop(ClusterDirectory dir, String name, Duration grace) throws IOException {
        Optional<ProcessHandle> process = find(dir, name);
        process.ifPresent(p -> {
            p.destroy();
            if (!awaitExit(p, grace)) {
                p.destroyForcibly();
                awaitExit(p, grace);
            }
        });
        Files.deleteIfExists(dir.pidFile(name));
        return process.isPresent();
    }

    /** SIGKILL, as a crashed machine would: no shutdown hooks, no goodbye to the job manager. */
    static void kill(ClusterDirectory dir, String name) throws IOException {
        ProcessHandle process = find(dir, name).orElseThrow(() ->
                new IllegalStateException(name + " is not running (no live process for " + dir.pidFile(name) + ")"));
        process.destroyForcibly();
        if (!awaitExit(process, Duration.ofSeconds(30))) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
        }
        Files.deleteIfExists(dir.pidFile(name));
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return !process.isAlive();
        }
    }
}
