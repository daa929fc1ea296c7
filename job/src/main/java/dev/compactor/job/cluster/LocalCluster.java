package dev.compactor.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Flink standalone session cluster of separate JVMs on this host: one job manager and N task managers, each a
 * real process with its own pid, log and memory, started from the Maven artifacts instead of a Flink distribution.
 * Everything about a running cluster is in its {@link ClusterDirectory}, so a later command can find it again.
 */
public final class LocalCluster {

    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ClusterSettings settings;
    private final Configuration conf;

    public LocalCluster(ClusterSettings settings) {
        this.settings = settings;
        this.conf = ClusterConfigFile.configuration(settings);
    }

    public ClusterSettings settings() {
        return settings;
    }

    public ClusterDirectory directory() {
        return settings.directory();
    }

    public FlinkRestClient rest() {
        return new FlinkRestClient(settings.restUrl());
    }

    public static String taskManagerName(int index) {
        return ClusterProcess.TASK_MANAGER_PREFIX + index;
    }

    /** Writes the configuration, starts the job manager and the task managers, and waits until all registered. */
    public void up() throws IOException {
        List<String> running = runningProcesses();
        if (!running.isEmpty()) {
            throw new IllegalStateException("a cluster is already running from " + directory().root() + " ("
                    + String.join(", ", running) + "); stop it with 'bin/compactor cluster down' first");
        }
        ClusterConfigFile.write(settings);
        ClusterProcess.start(directory(), ClusterProcess.JOB_MANAGER, JvmCommand.jobManager(settings, conf));
        awaitRest();
        for (int i = 1; i <= settings.taskManagers(); i++) {
            startTaskManager(taskManagerName(i));
        }
        awaitTaskManagers(settings.taskManagers());
    }

    /** Starts one more task manager under a new name, e.g. to replace a lost one. */
    public void startTaskManager(String name) throws IOException {
        if (ClusterProcess.find(directory(), name).isPresent()) {
            throw new IllegalStateException(name + " is already running");
        }
        ClusterProcess.start(directory(), name, JvmCommand.taskManager(settings, conf, name));
    }

    /** Kills a task manager with SIGKILL. */
    public void killTaskManager(String name) throws IOException {
        ClusterProcess.kill(directory(), name);
    }

    public List<String> down() throws IOException {
        return down(directory());
    }

    /** Stops the task managers, then the job manager; returns the names of the processes that were running. */
    public static List<String> down(ClusterDirectory directory) throws IOException {
        List<String> stopped = new ArrayList<>();
        List<String> names = new ArrayList<>(ClusterProcess.names(directory));
        // task managers first, so the job manager does not spend its shutdown restarting tasks
        names.remove(ClusterProcess.JOB_MANAGER);
        names.add(ClusterProcess.JOB_MANAGER);
        for (String name : names) {
            if (ClusterProcess.stop(directory, name, STOP_GRACE)) {
                stopped.add(name);
            }
        }
        return stopped;
    }

    public List<String> runningProcesses() throws IOException {
        return runningProcesses(directory());
    }

    /** Names of a cluster's live processes. */
    public static List<String> runningProcesses(ClusterDirectory directory) throws IOException {
        List<String> running = new ArrayList<>();
        for (String name : ClusterProcess.names(directory)) {
            if (ClusterProcess.find(directory, name).isPresent()) {
                running.add(name);
            }
        }
        return running;
    }

    public static Optional<Long> pid(ClusterDirectory directory, String name) {
        return ClusterProcess.find(directory, name).map(ProcessHandle::pid);
    }

    /** The REST API of the cluster that was started from this directory, found through its config.yaml. */
    public static FlinkRestClient rest(ClusterDirectory directory) {
        if (!Files.isRegularFile(directory.conf().resolve(GlobalConfiguration.FLINK_CONF_FILENAME))) {
            throw new IllegalStateException("no cluster was started from " + directory.root()
                    + " (no conf/config.yaml); start one with 'bin/compactor cluster up'");
        }
        Configuration conf = GlobalConfiguration.loadConfiguration(directory.conf().toString());
        return new FlinkRestClient("http://localhost:" + conf.get(RestOptions.PORT));
    }

    /** Waits until exactly this many task managers are registered with the job manager. */
    public void awaitTaskManagers(int count) throws IOException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        int registered = -1;
        while (Instant.now().isBefore(deadline)) {
            requireJobManagerAlive();
            try {
                registered = rest().overview().path("taskmanagers").asInt();
                if (registered == count) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is still starting
            }
            FlinkRestClient.pause(Duration.ofMillis(500));
        }
        throw new IOException(registered + " of " + count + " task managers registered after " + STARTUP_TIMEOUT
                + "; see the logs in " + directory().logs());
    }

    private void awaitRest() throws IOException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        IOException last = null;
        while (Instant.now().isBefore(deadline)) {
            requireJobManagerAlive();
            try {
                JsonNode overview = rest().overview();
                if (overview.has("flink-version")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            FlinkRestClient.pause(Duration.ofMillis(500));
        }
        throw new IOException("the job manager's REST API at " + settings.restUrl() + " did not answer within "
                + STARTUP_TIMEOUT + " (" + last + "); see " + directory().logFile(ClusterProcess.JOB_MANAGER), last);
    }

    private void requireJobManagerAlive() throws IOException {
        if (ClusterProcess.find(directory(), ClusterProcess.JOB_MANAGER).isEmpty()) {
            throw new IOException("the job manager exited during startup:\n" + tail(directory().outFile(ClusterProcess.JOB_MANAGER))
                    + "\nsee " + directory().logFile(ClusterProcess.JOB_MANAGER));
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
