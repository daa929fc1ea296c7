package dev.compactor.job;

import dev.compactor.events.Rejection;
import dev.compactor.job.api.ControlCommandWriter;
import dev.compactor.job.api.QueryableStatusSource;
import dev.compactor.job.api.StatusApi;
import dev.compactor.job.aws.KinesisLocal;
import dev.compactor.job.aws.NotifyingObjectStore;
import dev.compactor.job.bridge.S3EventNotification;
import dev.compactor.layout.BucketLayout;
import dev.compactor.status.HealthRule;
import dev.compactor.status.HealthThresholds;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.store.S3ProxyServer;
import dev.compactor.store.S3Settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production path against real local servers: the bucket is S3 (S3Proxy in this JVM, under a key prefix) and
 * object notifications arrive on Kinesis (kinesis-local, a child process). As S3 → EventBridge → Kinesis would,
 * every object the writers, the job or the status API create or remove under the event rule's prefixes is announced
 * on the stream ({@link NotifyingObjectStore}).
 */
class S3KinesisPipelineIT {

    private static final int PROXY_PORT = freePort();
    private static final String TOKEN = "test-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(queryableState())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    /** The status API reads the job's status through the proxy; one TaskManager, so a fixed free port. */
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

    private static final String[] NAMESPACES = {"users", "app/events"};
    private static final String[] WRITERS = {"w1", "w2", "w3"};
    private static final int FILES_PER_WRITER_AND_WINDOW = 4;
    private static final int ROWS_PER_FILE = 30;
    private static final String PREFIX = "lake/";
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Queue<Rejection> REJECTED = new ConcurrentLinkedQueue<>();

    private static S3ProxyServer s3;
    private static KinesisLocal kinesis;

    @TempDir
    Path tmp;

    private String stream;
    private S3Settings settings;
    private ObjectStoreFactory stores;
    private NotifyingObjectStore writerStore;
    private BucketFixture fixture;
    private long firstWindow;

    @BeforeAll
    static void startServers(@TempDir Path logs) throws Exception {
        s3 = S3ProxyServer.start();
        kinesis = KinesisLocal.start(logs.resolve("kinesis-local.log"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (kinesis != null) {
            kinesis.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void freshBucketAndStream() throws Exception {
        int run = RUNS.incrementAndGet();
        String bucket = "compaction-" + run;
        stream = "bucket-events-" + run;
        s3.createBucket(bucket);
        kinesis.createStream(stream, 1);
        settings = s3.settings(bucket, PREFIX);
        stores = NotifyingObjectStore.factory(settings, kinesis.endpoint(), stream);
        writerStore = NotifyingObjectStore.open(settings, kinesis.endpoint(), stream);
        fixture = new BucketFixture(writerStore);
        firstWindow = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        REJECTED.clear();
    }

    @AfterEach
    void closeWriterStore() {
        writerStore.close();
    }

    /** One whole one-minute window per namespace, ten minutes old: ready as soon as its files are seen. */
    private void writeWindow(int window) throws Exception {
        writeWindow(window, 0);
    }

    /** As {@link #writeWindow(int)}, with sequence numbers {@code seqOffset} higher: new files of the same window. */
    private void writeWindow(int window, int seqOffset) throws Exception {
        for (String ns : NAMESPACES) {
            for (String writer : WRITERS) {
                for (int i = 0; i < FILES_PER_WRITER_AND_WINDOW; i++) {
                    long second = firstWindow + window * 60L + i * 10L + writer.charAt(1) - '0';
                    fixture.writeSource(ns, second, writer, window * 100L + seqOffset + i, ROWS_PER_FILE);
                }
            }
        }
    }

    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, "s3://" + settings.bucket() + "/" + PREFIX);
        conf.set(CompactorOptions.S3_ENDPOINT, s3.endpoint());
        conf.set(CompactorOptions.S3_REGION, "us-east-1");
        conf.set(CompactorOptions.S3_PATH_STYLE_ACCESS, true);
        conf.set(CompactorOptions.S3_ACCESS_KEY, S3ProxyServer.ACCESS_KEY);
        conf.set(CompactorOptions.S3_SECRET_KEY, S3ProxyServer.SECRET_KEY);
        conf.set(CompactorOptions.EVENTS_SOURCE, "kinesis");
        conf.set(CompactorOptions.KINESIS_STREAM_ARN, kinesis.streamArn(stream));
        conf.set(CompactorOptions.KINESIS_ENDPOINT, kinesis.endpoint());
        conf.set(CompactorOptions.KINESIS_ACCESS_KEY, KinesisLocal.ACCESS_KEY);
        conf.set(CompactorOptions.KINESIS_SECRET_KEY, KinesisLocal.SECRET_KEY);
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(5));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5)));
        conf.set(CompactorOptions.MIN_FILES, 10);
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        conf.set(CompactorOptions.TARGET_FILE_SIZE, MemorySize.parse("2 kb"));
        return conf;
    }

    private StreamExecutionEnvironment environment(Optional<Path> restoreFrom) {
        Configuration env = new Configuration();
        env.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        env.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        env.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        env.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("checkpoints").toUri().toString());
        env.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        restoreFrom.ifPresent(path -> env.setString("execution.savepoint.path", path.toUri().toString()));
        StreamExecutionEnvironment e = StreamExecutionEnvironment.getExecutionEnvironment(env);
        e.setParallelism(2);
        e.enableCheckpointing(300);
        return e;
    }

    private static final class CollectRejections implements SinkFunction<Rejection> {
        @Override
        public void invoke(Rejection r, Context context) {
            REJECTED.add(r);
        }
    }

    private JobClient start(Optional<Path> restoreFrom) throws Exception {
        return start(restoreFrom, jobConfig(), stores);
    }

    private JobClient start(Optional<Path> restoreFrom, Configuration conf, ObjectStoreFactory jobStores)
            throws Exception {
        StreamExecutionEnvironment env = environment(restoreFrom);
        // A restored job must read on from its checkpointed shard positions: with LATEST, a job that ignored them
        // would never see the files announced before it started, and the test would time out.
        restoreFrom.ifPresent(p -> conf.set(CompactorOptions.KINESIS_INITIAL_POSITION, "LATEST"));
        CompactorPipeline.build(env, conf, jobStores).rejections().addSink(new CollectRejections());
        return env.executeAsync("s3-kinesis-it");
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(JobClient job, Condition done, Supplier<String> state) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!done.holds()) {
            assertTrue(Instant.now().isBefore(deadline), () -> "not done in time: " + state.get());
            assertFalse(job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
            Thread.sleep(200);
        }
    }

    private boolean compacted(int manifests) throws Exception {
        return compacted(manifests, 0);
    }

    /** Every window committed and cleaned up, with {@code leftOver} objects under data/ that are no source files. */
    private boolean compacted(int manifests, int leftOver) throws Exception {
        return fixture.sources().size() == leftOver && fixture.manifests().size() == manifests
                && fixture.staging().isEmpty();
    }

    private String describe() {
        try {
            return fixture.sources().size() + " sources left, " + fixture.manifests().size() + " manifests, "
                    + fixture.staging().size() + " staging objects, " + fixture.compactedOutputs().size()
                    + " outputs, rejected " + REJECTED.stream().map(Rejection::toString).toList();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private void assertExactlyOnce(int windows) throws Exception {
        assertEquals(fixture.written, fixture.committedRows(), "every input row exactly once in the outputs");
        assertEquals(NAMESPACES.length * WRITERS.length * windows * FILES_PER_WRITER_AND_WINDOW * ROWS_PER_FILE,
                fixture.committedRows().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(fixture.sources().isEmpty(), "sources deleted after commit");
        assertTrue(fixture.staging().isEmpty(), "no staging leftovers");
        for (ObjectInfo output : fixture.compactedOutputs()) {
            assertTrue(output.key().matches(
                    "data/.+/year=\\d{4}/month=\\d{2}/day=\\d{2}/hour=\\d{2}/compacted-\\d+-g\\d+-p\\d+\\.parquet"),
                    "hour-partitioned output " + output.key());
        }
        assertTrue(s3Keys().stream().allMatch(k -> k.startsWith(PREFIX)), "everything under the key prefix");
    }

    /** Every key in the bucket as S3 stores it, prefix included. */
    private List<String> s3Keys() throws Exception {
        try (var whole = dev.compactor.store.S3ObjectStore.open(s3.settings(settings.bucket(), ""))) {
            return whole.list("").stream().map(ObjectInfo::key).toList();
        }
    }

    @Test
    void compactsFilesAnnouncedOnKinesisIntoS3ExactlyOnce() throws Exception {
        writeWindow(0);
        writeWindow(1);
        JobClient job = start(Optional.empty());
        try {
            await(job, () -> compacted(NAMESPACES.length * 2), this::describe);
        } finally {
            job.cancel().get();
        }
        assertExactlyOnce(2);
        for (ObjectInfo manifest : fixture.manifests()) {
            String json = new String(fixture.store.read(manifest.key()), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"outputs\""), json);
        }
        assertTrue(fixture.compactedOutputs().size() > NAMESPACES.length * 2, "2 kb target: several parts a window");
    }

    @Test
    void restartFromACheckpointMidStreamStillGivesExactlyOnce() throws Exception {
        writeWindow(0);
        JobClient first = start(Optional.empty());
        try {
            await(first, () -> !fixture.manifests().isEmpty(), this::describe);
        } finally {
            first.cancel().get();
        }
        Path checkpoint = latestCheckpoint(first);

        writeWindow(1);
        JobClient second = start(Optional.of(checkpoint));
        try {
            await(second, () -> compacted(NAMESPACES.length * 2), this::describe);
        } finally {
            second.cancel().get();
        }
        assertExactlyOnce(2);
    }

    /**
     * A job started without state on a stream that no longer holds the window's manifest (retention passed; here a
     * new stream) must not hand out the committed generation again: its merge would look already committed and the
     * new files would stay unmerged. The tracker learns the generations from {@code _manifests/}.
     */
    @Test
    void aFreshStartOnAStreamWithoutTheOldManifestsContinuesTheCommittedGenerations() throws Exception {
        writeWindow(0);
        JobClient first = start(Optional.empty());
        try {
            await(first, () -> compacted(NAMESPACES.length), this::describe);
        } finally {
            first.cancel().get();
        }

        stream = stream + "-after-retention";
        kinesis.createStream(stream, 1);
        stores = NotifyingObjectStore.factory(settings, kinesis.endpoint(), stream);
        NotifyingObjectStore laterWriter = NotifyingObjectStore.open(settings, kinesis.endpoint(), stream);
        BucketFixture later = new BucketFixture(laterWriter);
        later.written.putAll(fixture.written);
        writerStore.close();
        writerStore = laterWriter;
        fixture = later;
        writeWindow(0, 50);

        JobClient second = start(Optional.empty());
        try {
            await(second, () -> compacted(NAMESPACES.length * 2), this::describe);
        } finally {
            second.cancel().get();
        }
        assertEquals(fixture.written, fixture.committedRows(), "both batches' rows exactly once in the outputs");
        assertEquals(2 * NAMESPACES.length * WRITERS.length * FILES_PER_WRITER_AND_WINDOW * ROWS_PER_FILE,
                fixture.committedRows().values().stream().mapToInt(Integer::intValue).sum());
        for (String ns : NAMESPACES) {
            long windowStartMs = firstWindow * 1000;
            assertTrue(fixture.store.head(fixture.layout.manifestKey(ns, windowStartMs, 1)).isPresent(),
                    "the new files form generation 1 of " + ns + ": " + describe());
        }
        assertTrue(fixture.staging().isEmpty(), "no staging leftovers");
    }

    @Test
    void malformedAndDuplicateRecordsAreCountedAndDeadLetteredAndTheJobKeepsGoing() throws Exception {
        List<String> malformed = List.of(
                "this is not json",
                "{\"hello\":\"world\"}",
                "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":\"lake/data/users/1-w1-1.parquet\"}}}]}");
        kinesis.put(stream, "bad", malformed.get(0));
        writeWindow(0);
        kinesis.put(stream, "bad", malformed.get(1));
        // Every source announced a second time: a producer retry, or EventBridge's at-least-once delivery.
        for (ObjectInfo source : fixture.sources()) {
            kinesis.put(stream, source.key(), S3EventNotification.created(settings.bucket(), KinesisLocal.REGION,
                    PREFIX + source.key(), source.size(), source.eTag(), Instant.now()));
        }
        kinesis.put(stream, "bad", malformed.get(2));
        writerStore.write("data/users/notes.txt", "not parquet".getBytes(StandardCharsets.UTF_8));
        writeWindow(1);
        kinesis.put(stream, "other", S3EventNotification.created(settings.bucket(), KinesisLocal.REGION,
                "elsewhere/data/users/x.parquet", 1, "e", Instant.now()));

        JobClient job = start(Optional.empty());
        try {
            await(job, () -> compacted(NAMESPACES.length * 2, 1) && deadLetters().size() >= 5, this::describe);
        } finally {
            job.cancel().get();
        }

        assertEquals(fixture.written, fixture.committedRows(), "duplicates merged once: every row exactly once");
        assertEquals(List.of("data/users/notes.txt"), fixture.sources().stream().map(ObjectInfo::key).toList());
        List<Rejection> notifications = REJECTED.stream().filter(r -> "MALFORMED_NOTIFICATION".equals(r.reason)).toList();
        assertEquals(malformed.size(), notifications.size(), "each malformed record counted once: " + notifications);
        List<String> letters = deadLetters();
        for (String record : malformed) {
            assertTrue(letters.stream().anyMatch(l -> l.contains("\"reason\":\"MALFORMED_NOTIFICATION\"")
                    && l.contains(jsonString(record))), "dead letter for " + record + " in " + letters);
        }
        assertTrue(letters.stream().anyMatch(l -> l.contains("\"reason\":\"NOT_PARQUET\"")
                && l.contains("data/users/notes.txt")), letters.toString());
        assertTrue(letters.stream().anyMatch(l -> l.contains("\"reason\":\"OUTSIDE_DATA_PREFIX\"")
                && l.contains("elsewhere/data/users/x.parquet")), letters.toString());
        assertTrue(letters.stream().noneMatch(l -> l.contains("COMPACTED_OUTPUT")), "our own outputs are no errors");
    }

    /**
     * The job's store plan, where the merge of one namespace's windows fails on its data while {@link #failing} names
     * it (a non-I/O error: the attempt gives up at once and writes its _FAILED.json marker). Static because the
     * MiniCluster runs in the test's JVM.
     */
    private static final class StagingFaults implements FaultyStore.Plan {
        static volatile String failing;

        @Override
        public void before(FaultyStore.Call call) {
            String namespace = failing;
            if (namespace != null && call.is(FaultyStore.Op.OUTPUT, BucketLayout.STAGING_PREFIX + namespace + "/")) {
                throw new IllegalStateException("planted merge failure writing " + call.key());
            }
        }
    }

    /**
     * Every control command and quarantine count reaches a Kinesis-mode job (issue 23): the status API writes its
     * commands into S3, where only the event rule announces them. A window whose merge failed for good is rolled
     * back and commits; a priority change shows in the status; a corrupt input is counted as quarantined.
     */
    @Test
    void controlCommandsThroughTheApiAndQuarantineCountsReachTheJobThroughTheStream() throws Exception {
        StagingFaults.failing = "users";
        writeWindow(0);
        String corrupt = BucketFixture.sourceKey("app/events", firstWindow + 33, "w1", 999);
        byte[] corruptBytes = "PAR1 this is not a parquet file PAR1".getBytes(StandardCharsets.UTF_8);
        writerStore.write(corrupt, corruptBytes);
        String windowKey = String.valueOf(firstWindow * 1000);
        Configuration conf = jobConfig();
        conf.set(CompactorOptions.MAX_ATTEMPTS, 1);
        ObjectStoreFactory notifying = stores;
        JobClient job = start(Optional.empty(), conf, () -> new FaultyStore(notifying.open(), new StagingFaults()));
        StatusApi api = null;
        try (QueryableStatusSource source = new QueryableStatusSource("localhost", PROXY_PORT, job::getJobID)) {
            api = new StatusApi(source, new ControlCommandWriter(stores, Clock.systemUTC()),
                    new HealthRule(HealthThresholds.runbookDefaults()), TOKEN, Clock.systemUTC());
            String base = "http://localhost:" + api.start("localhost", 0);

            JsonNode events = awaitStatus(job, base, "app/events", s -> s.path("quarantinedFiles").asInt() > 0);
            assertEquals(1, events.get("quarantinedFiles").asInt(), "the corrupt input's reason object, once");
            JsonNode users = awaitStatus(job, base, "users", s -> s.path("failedWindows").asInt() == 1);
            assertEquals("failed", users.at("/windows/0/processingStatus/state").asText(), users.toString());
            assertEquals(windowKey, users.at("/windows/0/key").asText());
            assertEquals(2, users.get("priority").asInt());
            StagingFaults.failing = null;

            String priority = accepted(send(base, "/compaction/config?namespace=users", "{\"priority\":0}"));
            users = awaitStatus(job, base, "users", s -> priority.equals(s.path("lastCommand").asText()));
            assertEquals(0, users.get("priority").asInt(), "the priority change is applied");

            String rollback = accepted(send(base, "/compaction/internal/rollback-processing",
                    "{\"windowKey\":\"" + windowKey + "\",\"namespace\":\"users\"}"));
            users = awaitStatus(job, base, "users", s -> rollback.equals(s.path("lastCommand").asText())
                    && s.path("windows").isEmpty());
            assertEquals(0, users.get("failedWindows").asInt(), "rolled back, merged again and committed");
            assertEquals(0, users.get("priority").asInt());
            await(job, () -> compacted(NAMESPACES.length), this::describe);
        } finally {
            StagingFaults.failing = null;
            if (api != null) {
                api.close();
            }
            job.cancel().get();
        }
        assertExactlyOnce(1);
        assertTrue(fixture.store.head(BucketLayout.defaults().quarantineReasonKey(corrupt, corruptBytes.length)).isPresent());
    }

    private interface StatusCondition {
        boolean holds(JsonNode status);
    }

    private static JsonNode awaitStatus(JobClient job, String base, String namespace, StatusCondition condition)
            throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        HttpClient http = HttpClient.newHttpClient();
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            assertFalse(job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/compaction/status?namespace=" + namespace)).build(),
                    HttpResponse.BodyHandlers.ofString());
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200) {
                JsonNode status = JSON.readTree(response.body());
                if (condition.holds(status)) {
                    return status;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(namespace + ": status never matched; last answer: " + last);
    }

    private static HttpResponse<String> send(String base, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String accepted(HttpResponse<String> response) throws IOException {
        assertEquals(202, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("commandId").asText();
    }

    /** The lines of every dead-letter object under _rejected/. */
    private List<String> deadLetters() throws Exception {
        List<String> lines = new ArrayList<>();
        for (ObjectInfo o : fixture.store.list(BucketLayout.REJECTED_PREFIX)) {
            assertTrue(o.key().endsWith(".jsonl"), o.key());
            lines.addAll(new String(fixture.store.read(o.key()), StandardCharsets.UTF_8).lines().toList());
        }
        return lines;
    }

    private static String jsonString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private Path latestCheckpoint(JobClient job) throws Exception {
        Path dir = tmp.resolve("checkpoints").resolve(job.getJobID().toString());
        try (Stream<Path> chks = Files.list(dir)) {
            return chks.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no completed checkpoint under " + dir));
        }
    }
}
