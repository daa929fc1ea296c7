package dev.compactor.job;

import dev.compactor.job.api.ControlCommandWriter;
import dev.compactor.job.api.QueryableStatusSource;
import dev.compactor.job.api.StatusApi;
import dev.compactor.layout.BucketLayout;
import dev.compactor.status.HealthRule;
import dev.compactor.status.HealthThresholds;
import dev.compactor.store.LocalObjectStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status API against a running job with real queryable state: every endpoint's success and error paths,
 * authentication, health thresholds, and a control command whose effect survives a restart from a checkpoint.
 */
class StatusApiIT {

    private static final int PROXY_PORT = freePort();
    private static final String TOKEN = "test-token";
    private static final String NS = "users";
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(queryableState())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path bucket;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<JobID> currentJob = new AtomicReference<>();
    private QueryableStatusSource source;
    private StatusApi api;
    private String base;
    private JobClient job;

    /** A fixed proxy port picked free at start: with one TaskManager and one fork nothing else binds it. */
    private static Configuration queryableState() {
        Configuration conf = new Configuration();
        conf.set(QueryableStateOptions.ENABLE_QUERYABLE_STATE_PROXY_SERVER, true);
        conf.set(QueryableStateOptions.PROXY_PORT_RANGE, String.valueOf(PROXY_PORT));
        conf.set(QueryableStateOptions.SERVER_PORT_RANGE, String.valueOf(freePort()));
        return conf;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Windows of an hour at low priority: the test's window stays pending while the test runs. */
    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofMinutes(50), Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1)));
        conf.set(CompactorOptions.MIN_FILES, 100);
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints().toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return conf;
    }

    private Path checkpoints() {
        return bucket.resolve("_state/checkpoints");
    }

    private JobClient startJob(String restoreFrom) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig());
        env.setParallelism(1);
        env.enableCheckpointing(300);
        CompactorPipeline.build(env, jobConfig());
        StreamGraph graph = env.getStreamGraph();
        if (restoreFrom != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom, false));
        }
        JobClient started = env.executeAsync(graph);
        currentJob.set(started.getJobID());
        return started;
    }

    private void startApi(HealthThresholds thresholds) throws Exception {
        source = new QueryableStatusSource("localhost", PROXY_PORT, currentJob::get);
        api = new StatusApi(source, new ControlCommandWriter(() -> new LocalObjectStore(bucket), Clock.systemUTC()),
                new HealthRule(thresholds), TOKEN, Clock.systemUTC());
        base = "http://localhost:" + api.start("localhost", 0);
    }

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
            source.close();
        }
        if (job != null && !job.getJobStatus().get().isTerminalState()) {
            job.cancel().get();
        }
    }

    private long writeThreeFiles() throws IOException {
        BucketFixture fixture = new BucketFixture(bucket);
        long now = Instant.now().getEpochSecond();
        for (String writer : List.of("w1", "w2", "w3")) {
            fixture.writeSource(NS, now, writer, 0, 10);
        }
        return now * 1000 / 3_600_000 * 3_600_000;
    }

    @Test
    void endpointsAnswerFromQueryableStateAndCommandsShowInStatus() throws Exception {
        long windowStart = writeThreeFiles();
        job = startJob(null);
        startApi(HealthThresholds.runbookDefaults());

        JsonNode status = awaitStatus(s -> s.path("totalPendingFiles").asInt() == 3);
        assertEquals(NS, status.get("namespace").asText());
        assertEquals(2, status.get("priority").asInt());
        assertEquals(3_600_000, status.get("effectiveMaxWaitTimeMs").asLong());
        assertEquals("none", status.get("backpressure").asText());
        assertEquals(1, status.get("activeWindows").asInt());
        assertEquals(1, status.at("/queueMetrics/pendingWindows").asInt());
        assertEquals("healthy", status.at("/health/status").asText());
        assertEquals("[\"w1\",\"w2\",\"w3\"]", status.get("knownWriters").toString());
        assertEquals(0, status.get("windowsStuckInProcessing").asInt());
        JsonNode window = status.at("/windows/0");
        assertEquals(String.valueOf(windowStart), window.get("key").asText());
        assertEquals(Instant.ofEpochMilli(windowStart).toString(), window.get("windowStart").asText());
        assertEquals(3, window.get("fileCount").asInt());
        assertEquals("pending", window.at("/processingStatus/state").asText());

        HttpResponse<String> health = get("/compaction/health");
        assertEquals(200, health.statusCode());
        assertEquals("healthy", JSON.readTree(health.body()).get("status").asText());

        assertError(get("/compaction/status?namespace=orders"), 404, "unknown namespace");
        assertError(get("/compaction/status"), 400, "namespace is missing");
        assertError(get("/compaction/status?namespace=../etc"), 400, "invalid namespace");
        assertError(get("/compaction/status?namespace=%2Fabs"), 400, "invalid namespace");
        assertError(get("/compaction/status?namespace=a%01b"), 400, "control character");
        assertError(send("GET", "/compaction/config?namespace=users", null, TOKEN), 405, "not allowed");

        // authentication: nothing is enqueued without the right token
        assertError(send("POST", "/compaction/config?namespace=users", "{\"priority\":0}", null), 401, "missing");
        assertError(send("POST", "/compaction/config?namespace=users", "{\"priority\":0}", "nope"), 401, "wrong");
        assertError(send("DELETE", "/compaction/reset?namespace=users", null, "nope"), 401, "wrong");
        assertTrue(controlObjects().isEmpty(), "refused requests enqueue nothing");

        // validation
        assertError(send("POST", "/compaction/config?namespace=users", "{\"priority\":7}", TOKEN), 400, "priority");
        assertError(send("POST", "/compaction/config?namespace=users", "{\"priority\":1.5}", TOKEN), 400, "priority");
        assertError(send("POST", "/compaction/config?namespace=users", "{\"priority\":0,\"x\":1}", TOKEN), 400,
                "unknown field");
        assertError(send("POST", "/compaction/config?namespace=users", "{\"priority\":", TOKEN), 400, "not valid JSON");
        assertError(send("POST", "/compaction/config?namespace=a/../b", "{\"priority\":0}", TOKEN), 400,
                "invalid namespace");
        assertError(send("POST", "/compaction/config?namespace=users", "x".repeat(5000), TOKEN), 413, "larger");
        assertError(rollback("{\"windowKey\":\"" + windowStart + "\",\"namespace\":\"users\"}"), 409, "not processing");
        assertError(rollback("{\"windowKey\":\"123\",\"namespace\":\"users\"}"), 404, "no window");
        assertError(rollback("{\"windowKey\":\"abc\",\"namespace\":\"users\"}"), 400, "windowKey");
        assertTrue(controlObjects().isEmpty(), "invalid requests enqueue nothing");

        String priority = accepted(send("POST", "/compaction/config?namespace=users", "{\"priority\":0}", TOKEN));
        status = awaitStatus(s -> priority.equals(s.path("lastCommand").asText()));
        assertEquals(0, status.get("priority").asInt());
        assertEquals(3_000_000, status.get("effectiveMaxWaitTimeMs").asLong(), "priority 0 waits 50 min here");

        String check = accepted(send("POST", "/compaction/trigger-check?namespace=users", null, TOKEN));
        awaitStatus(s -> check.equals(s.path("lastCommand").asText()));
        String cleanup = accepted(send("POST", "/compaction/cleanup?namespace=users", null, TOKEN));
        awaitStatus(s -> cleanup.equals(s.path("lastCommand").asText()));
        String reset = accepted(send("DELETE", "/compaction/reset?namespace=users", null, TOKEN));
        status = awaitStatus(s -> reset.equals(s.path("lastCommand").asText()));
        assertEquals(0, status.get("activeWindows").asInt());
        assertEquals(2, status.get("priority").asInt(), "reset drops the override");
        assertTrue(status.get("windows").isEmpty());
    }

    @Test
    void healthAnswers503WhenAThresholdIsCrossed() throws Exception {
        writeThreeFiles();
        job = startJob(null);
        // three pending files: above a critical threshold of 2, at a warning threshold of 3 is still fine
        startApi(new HealthThresholds(0, 3, 7_200_000, 14_400_000, 10, 20, 1, 2));
        awaitStatus(s -> s.path("totalPendingFiles").asInt() == 3);
        HttpResponse<String> unhealthy = get("/compaction/health");
        assertEquals(503, unhealthy.statusCode(), unhealthy.body());
        JsonNode report = JSON.readTree(unhealthy.body());
        assertEquals("unhealthy", report.get("status").asText());
        assertEquals(NS, report.at("/namespaces/0/namespace").asText());
        assertTrue(report.at("/namespaces/0/issues/0").asText().contains("totalPendingFiles"), unhealthy.body());
    }

    @Test
    void priorityCommandSurvivesARestartFromACheckpoint() throws Exception {
        writeThreeFiles();
        job = startJob(null);
        startApi(HealthThresholds.runbookDefaults());
        awaitStatus(s -> s.path("totalPendingFiles").asInt() == 3);

        String id = accepted(send("POST", "/compaction/config?namespace=users", "{\"priority\":1}", TOKEN));
        awaitStatus(s -> id.equals(s.path("lastCommand").asText()));
        Path jobCheckpoints = checkpoints().resolve(job.getJobID().toString());
        int applied = newestCheckpoint(jobCheckpoints, false);
        String checkpoint = awaitCompletedCheckpointAfter(jobCheckpoints, applied);
        JobID before = job.getJobID();
        job.cancel().get();

        job = startJob(checkpoint);
        assertNotEquals(before, job.getJobID());
        JsonNode status = awaitStatus(s -> id.equals(s.path("lastCommand").asText()));
        assertEquals(1, status.get("priority").asInt(), "the override is restored from the checkpoint");
        assertEquals(3, status.get("totalPendingFiles").asInt());
    }

    private static int newestCheckpoint(Path dir, boolean completedOnly) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> !completedOnly || Files.exists(p.resolve("_metadata")))
                    .map(p -> Integer.parseInt(p.getFileName().toString().substring(4)))
                    .max(Comparator.naturalOrder()).orElse(0);
        }
    }

    /** A checkpoint triggered after {@code afterNumber} was seen: it holds everything applied before. */
    private String awaitCompletedCheckpointAfter(Path dir, int afterNumber) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (newestCheckpoint(dir, true) <= afterNumber) {
            assertTrue(Instant.now().isBefore(deadline), "no checkpoint completed after chk-" + afterNumber);
            Thread.sleep(100);
        }
        return dir.resolve("chk-" + newestCheckpoint(dir, true)).toUri().toString();
    }

    private List<Path> controlObjects() throws IOException {
        Path dir = bucket.resolve(BucketLayout.CONTROL_PREFIX);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private interface StatusCondition {
        boolean holds(JsonNode status);
    }

    private JsonNode awaitStatus(StatusCondition condition) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            assertTrue(!job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
            HttpResponse<String> response = get("/compaction/status?namespace=" + NS);
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode status = JSON.readTree(response.body());
                if (condition.holds(status)) {
                    return status;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("status never matched; last answer: " + last);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    private HttpResponse<String> rollback(String body) throws Exception {
        return send("POST", "/compaction/internal/rollback-processing", body, TOKEN);
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        Optional.ofNullable(token).ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String reason) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(JSON.readTree(response.body()).get("error").asText().contains(reason), response.body());
    }

    private static String accepted(HttpResponse<String> response) throws IOException {
        assertEquals(202, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.get("accepted").asBoolean());
        return body.get("commandId").asText();
    }
}
