package dev.compactor.job;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.job.api.ControlCommandWriter;
import dev.compactor.job.api.QueryableStatusSource;
import dev.compactor.job.api.StatusApi;
import dev.compactor.layout.BucketLayout;
import dev.compactor.status.HealthRule;
import dev.compactor.status.HealthThresholds;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;

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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** Changes the API may still make in the bucket before it crashes (see {@link FaultyStore#crashAfterChanges}). */
    private final AtomicInteger apiChanges = new AtomicInteger(Integer.MAX_VALUE);
    /** Options a test adds to {@link #jobConfig()}. */
    private final Configuration extraConfig = new Configuration();

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
        conf.addAll(extraConfig);
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
        api = new StatusApi(source, new ControlCommandWriter(
                () -> new FaultyStore(new LocalObjectStore(bucket), FaultyStore.crashAfterChanges(apiChanges)), Clock.systemUTC(),
                BucketLayout.defaults(), null),
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

    /**
     * The runbook's three procedures against a running job, exactly once: a window too small to compact on its own
     * takes a retry's merge parameters and compacts on a trigger; its sources, kept for the retention, go back on an
     * uncompact while its outputs go; the job holds the window (its next generation would otherwise be ready at
     * once) until a second trigger compacts it again: every row once in the outputs, no source left. The first
     * uncompact crashes half-way; no row is missing meanwhile, and running it again finishes it.
     */
    @Test
    void triggerRetryAndUncompactKeepEveryRowExactlyOnce() throws Exception {
        Duration second = Duration.ofSeconds(1);
        extraConfig.set(CompactorOptions.PRIORITY_WAITS, List.of(second, second, second, second));
        extraConfig.set(CompactorOptions.FORCE_AFTER, Duration.ofDays(1));
        extraConfig.set(CompactorOptions.SOURCE_RETENTION, Duration.ofHours(1));
        BucketFixture fixture = new BucketFixture(bucket);
        long epochSeconds = Instant.now().minus(Duration.ofHours(3)).getEpochSecond();
        for (String writer : List.of("w1", "w2", "w3")) {
            fixture.writeSource(NS, epochSeconds, writer, 0, 10);
        }
        String key = String.valueOf(epochSeconds * 1000 / 3_600_000 * 3_600_000);
        String window = "{\"windowKey\":\"" + key + "\"}";
        job = startJob(null);
        startApi(HealthThresholds.runbookDefaults());
        awaitStatus(s -> s.path("totalPendingFiles").asInt() == 3);

        assertError(send("POST", "/compaction/trigger?namespace=users", "{\"windowKey\":\"123\"}", TOKEN), 404,
                "no window");
        assertError(send("POST", "/compaction/trigger?namespace=users", window, "nope"), 401, "wrong");
        assertError(send("POST", "/compaction/retry?namespace=users", "{\"windowKey\":\"" + key
                + "\",\"engine\":\"SLOW\"}", TOKEN), 400, "engine");
        String retry = accepted(send("POST", "/compaction/retry?namespace=users", "{\"windowKey\":\"" + key
                + "\",\"mergeMemory\":\"64mb\",\"targetFileSize\":\"1mb\",\"sort\":false,\"engine\":\"reference\"}", TOKEN));
        JsonNode status = awaitStatus(s -> retry.equals(s.path("lastCommand").asText()));
        JsonNode overrides = status.at("/windows/0/overrides");
        assertEquals(64L << 20, overrides.get("mergeMemoryBytes").asLong(), status.toString());
        assertEquals("REFERENCE", overrides.get("engine").asText());
        assertEquals("pending", status.at("/windows/0/processingStatus/state").asText(), "a retry alone compacts nothing");

        accepted(send("POST", "/compaction/trigger?namespace=users", window, TOKEN));
        status = awaitStatus(s -> s.path("windows").isEmpty() && s.path("retainedSourceBytes").asLong() > 0);
        Manifest first = manifest(key, 0);
        assertEquals("REFERENCE", first.overrides().get("engine"), "the manifest records the retry's parameters");
        assertEquals(false, first.overrides().get("sort"));
        assertTrue(first.sourcesRetainedUntil() != null);
        assertEquals(fixture.written, fixture.committedRows());
        assertTrue(fixture.sources().isEmpty());
        assertEquals(4, fixture.store.list(BucketLayout.trashDir(NS, Long.parseLong(key), 0)).size(),
                "three retained sources and their marker");
        assertEquals(first.inputs().stream().mapToLong(Manifest.InputEntry::size).sum(),
                status.get("retainedSourceBytes").asLong());
        assertError(send("POST", "/compaction/trigger?namespace=users", window, TOKEN), 404, "no window");

        // the API crashes after the hold command, the manifest's mark and one source put back
        apiChanges.set(3);
        HttpResponse<String> crashed = send("POST", "/compaction/uncompact?namespace=users", window, TOKEN);
        assertEquals(500, crashed.statusCode(), crashed.body());
        assertTrue(manifest(key, 0).isRolledBack());
        assertEquals(1, fixture.sources().size());
        Map<String, Integer> visible = rowsOfSources(fixture);
        fixture.committedRows().forEach((row, n) -> visible.merge(row, n, Integer::sum));
        assertTrue(visible.keySet().containsAll(fixture.written.keySet()), "no row missing from data/ after the crash");
        apiChanges.set(Integer.MAX_VALUE);
        HttpResponse<String> uncompact = send("POST", "/compaction/uncompact?namespace=users", window, TOKEN);
        assertEquals(200, uncompact.statusCode(), uncompact.body());
        assertEquals(2, JSON.readTree(uncompact.body()).get("restoredSources").asInt(), "the rest of the sources");
        assertTrue(JSON.readTree(uncompact.body()).get("finishedEarlierRun").asBoolean());
        assertEquals(fixture.written, rowsOfSources(fixture), "every source is back with its rows");
        assertTrue(fixture.compactedOutputs().isEmpty());
        assertTrue(manifest(key, 0).isRolledBack());
        assertTrue(fixture.store.list(BucketLayout.TRASH_PREFIX).isEmpty());

        // generation 1 of an ended window is ready at once: only the hold keeps it from compacting
        status = awaitStatus(s -> s.path("totalPendingFiles").asInt() == 3);
        assertEquals(key, status.at("/heldWindows/0").asText());
        assertTrue(status.at("/windows/0/held").asBoolean());
        assertEquals(0, status.get("retainedSourceBytes").asLong(), "the retained sources are back in data/");
        // the watermark passed the window's end and wait long ago: a dispatch check now finds generation 1 ready
        String check = accepted(send("POST", "/compaction/trigger-check?namespace=users", null, TOKEN));
        status = awaitStatus(s -> check.equals(s.path("lastCommand").asText()));
        assertEquals("pending", status.at("/windows/0/processingStatus/state").asText(), status.toString());
        assertEquals(1, fixture.manifests().size(), "nothing compacted while held");

        HttpResponse<String> again = send("POST", "/compaction/uncompact?namespace=users", window, TOKEN);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(0, JSON.readTree(again.body()).get("restoredSources").asInt(), "a finished uncompact is a no-op");

        accepted(send("POST", "/compaction/trigger?namespace=users", window, TOKEN));
        awaitStatus(s -> s.path("windows").isEmpty() && s.path("heldWindows").isEmpty());
        Manifest second1 = manifest(key, 1);
        assertTrue(!second1.isRolledBack() && second1.overrides().isEmpty(), "a retry's parameters end at commit");
        assertEquals(fixture.written, fixture.committedRows(), "every row once, in generation 1's outputs");
        assertTrue(fixture.sources().isEmpty());
    }

    private Manifest manifest(String windowKey, int generation) throws IOException {
        return ManifestCodec.fromJson(Files.readAllBytes(bucket.resolve(
                BucketLayout.defaults().manifestKey(NS, Long.parseLong(windowKey), generation))));
    }

    private static Map<String, Integer> rowsOfSources(BucketFixture fixture) throws IOException {
        BucketFixture reader = new BucketFixture(fixture.store);
        for (ObjectInfo source : fixture.sources()) {
            reader.recordSource(source.key());
        }
        return reader.written;
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
