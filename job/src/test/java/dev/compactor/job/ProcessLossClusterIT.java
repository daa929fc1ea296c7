package dev.compactor.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.compactor.job.cluster.ClusterArtifacts;
import dev.compactor.job.cluster.ClusterDirectory;
import dev.compactor.job.cluster.ClusterSettings;
import dev.compactor.job.cluster.FlinkRestClient;
import dev.compactor.job.cluster.LocalCluster;
import dev.compactor.job.demo.WriterSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flink-app jar on a real standalone session cluster: a job manager JVM and two task manager JVMs of one slot
 * each. The task manager running the job is killed with SIGKILL while windows are merging and staged; a replacement
 * joins, the job recovers from its last checkpoint, and every simulated row is committed exactly once. Then the job
 * stops with a savepoint through REST and resumes from it at parallelism 2.
 *
 * <p>Run with {@code mvn -B -Pcluster-it -pl job -am verify}; it needs the package phase's flink-app jar and
 * cluster classpath.
 */
class ProcessLossClusterIT {

    private static final int NAMESPACES = 3;
    private static final int WRITERS = 3;
    /** Turns of all writers over all namespaces per window: each namespace gets WRITERS * TURNS files. */
    private static final int TURNS_PER_WINDOW = 4;
    private static final int ROWS_PER_FILE = 3000;
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    Path temp;

    private LocalCluster cluster;

    @AfterEach
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.down();
        }
    }

    @Test
    void recoversFromTaskManagerLossAndRescalesFromSavepoint() throws Exception {
        ClusterArtifacts artifacts = ClusterArtifacts.fromSystemProperties();
        cluster = new LocalCluster(new ClusterSettings(new ClusterDirectory(temp.resolve("cluster")),
                artifacts.runtimeClasspath(), freePort(), freePort(), 2, 1,
                "41100-41149", "41150-41199", "41200-41249"));
        cluster.up();
        FlinkRestClient rest = cluster.rest();
        assertTrue(prometheusMetrics().contains("flink_jobmanager_numRegisteredTaskManagers"),
                "the job manager's Prometheus reporter answers");

        Path bucket = temp.resolve("bucket");
        BucketFixture fixture = new BucketFixture(LocalDirectory.prepare("bucket", bucket));
        SettableClock clock = new SettableClock();
        WriterSimulator writers = new WriterSimulator(fixture.store, fixture.layout,
                new WriterSimulator.Settings(WRITERS, NAMESPACES, 1.0, ROWS_PER_FILE), clock, 42);
        long minute = Instant.now().getEpochSecond() / 60;
        writeWindow(writers, fixture, clock, minute - 12);
        writeWindow(writers, fixture, clock, minute - 11);

        String jarId = rest.uploadJar(artifacts.appJar());
        String first = rest.runJar(jarId, CompactorJob.class.getName(), jobArgs(bucket), 1, null);

        awaitStagedWindow(fixture, rest, first);
        String victim = taskManagerRunning(rest, first);
        cluster.killTaskManager(victim);
        cluster.startTaskManager(LocalCluster.taskManagerName(3));

        int windows = 2 * NAMESPACES;
        awaitCompacted(fixture, rest, first, windows);
        assertTrue(rest.exceptions(first).path("exceptionHistory").path("entries").size() > 0,
                "the job failed over after " + victim + " was killed");
        assertFalse(rest.checkpoints(first).path("latest").path("restored").isMissingNode(),
                "the job restored its last checkpoint");
        assertExactlyOnce(fixture);

        String savepoint = rest.stopWithSavepoint(first, cluster.directory().savepoints().toUri().toString(),
                Duration.ofMinutes(2));
        writeWindow(writers, fixture, clock, minute - 6);
        String second = rest.runJar(jarId, CompactorJob.class.getName(), jobArgs(bucket), 2, savepoint);
        awaitCompacted(fixture, rest, second, windows + NAMESPACES);
        assertEquals(2, maxParallelism(rest.job(second)), "resumed at parallelism 2");
        assertExactlyOnce(fixture);
        rest.cancel(second);
    }

    /** Writes every writer's files for every namespace into one past minute-long window, and remembers the rows. */
    private static void writeWindow(WriterSimulator writers, BucketFixture fixture, SettableClock clock, long minute)
            throws IOException {
        for (int turn = 0; turn < TURNS_PER_WINDOW; turn++) {
            clock.set(Instant.ofEpochSecond(minute * 60 + 5 + turn * 10L));
            for (int file = 0; file < WRITERS * NAMESPACES; file++) {
                fixture.recordSource(writers.writeNext());
            }
        }
    }

    private static List<String> jobArgs(Path bucket) {
        return List.of("--bucket", bucket.toString(),
                "--compaction.window-size", "1 min",
                "--compaction.max-wait", "5 s",
                "--compaction.priority-waits", "5 s;5 s;5 s;5 s",
                "--compaction.min-files", "5",
                "--compaction.target-file-size", "64 kb",
                "--compaction.max-concurrent-merges", "1",
                "--events.poll-interval", "200 ms",
                "--events.max-out-of-orderness", "1 s",
                "--execution.checkpointing.interval", "3 s");
    }

    /** Waits for a merge's staged output that is not yet committed: the task manager dies between merge and commit. */
    private static void awaitStagedWindow(BucketFixture fixture, FlinkRestClient rest, String jobId) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (fixture.staging().isEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "no merge staged output in time");
            assertFalse(fixture.manifests().size() == 2 * NAMESPACES, "every window committed before the kill");
            requireNotTerminal(rest, jobId);
            Thread.sleep(20);
        }
    }

    /** The task manager (its process name is its resource id) that runs the window tracker's first subtask. */
    private static String taskManagerRunning(FlinkRestClient rest, String jobId) throws IOException {
        for (JsonNode vertex : rest.job(jobId).path("vertices")) {
            if (vertex.path("name").asText().contains("window tracker")) {
                return rest.vertex(jobId, vertex.path("id").asText())
                        .path("subtasks").get(0).path("taskmanager-id").asText();
            }
        }
        throw new AssertionError("no window tracker vertex in " + rest.job(jobId));
    }

    private static void awaitCompacted(BucketFixture fixture, FlinkRestClient rest, String jobId, int manifests)
            throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!(fixture.sources().isEmpty() && fixture.manifests().size() == manifests && fixture.staging().isEmpty())) {
            assertTrue(Instant.now().isBefore(deadline), () -> "not compacted in time: " + describe(fixture));
            requireNotTerminal(rest, jobId);
            Thread.sleep(250);
        }
    }

    private static void requireNotTerminal(FlinkRestClient rest, String jobId) throws IOException {
        String state = rest.jobState(jobId);
        assertFalse(List.of("FAILED", "CANCELED", "FINISHED").contains(state), "job " + jobId + " is " + state);
    }

    private static void assertExactlyOnce(BucketFixture fixture) throws IOException {
        assertEquals(fixture.written, fixture.committedRows(), "every written row exactly once in the outputs");
        assertEquals(List.of(), new ArrayList<>(fixture.staging()), "no staging leftovers");
    }

    private static int maxParallelism(JsonNode job) {
        int max = 0;
        for (JsonNode vertex : job.path("vertices")) {
            max = Math.max(max, vertex.path("parallelism").asInt());
        }
        return max;
    }

    private String prometheusMetrics() throws Exception {
        String port = cluster.settings().prometheusPorts().split("-")[0];
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String describe(BucketFixture f) {
        try {
            return f.sources().size() + " sources left, " + f.manifests().size() + " manifests, "
                    + f.staging().size() + " staging objects, " + f.compactedOutputs().size() + " outputs";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The writers' clock: files land in the window the test chooses. */
    private static final class SettableClock extends Clock {
        private volatile Instant now = Instant.now();

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
