package dev.compactor.job;

import dev.compactor.events.Rejection;
import dev.compactor.job.aws.KinesisLocal;
import dev.compactor.job.aws.NotifyingObjectStore;
import dev.compactor.job.bridge.S3EventNotification;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.store.S3ProxyServer;
import dev.compactor.store.S3Settings;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * every object the writers or the job create or remove is announced on the stream ({@link NotifyingObjectStore}).
 */
class S3KinesisPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

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
        for (String ns : NAMESPACES) {
            for (String writer : WRITERS) {
                for (int i = 0; i < FILES_PER_WRITER_AND_WINDOW; i++) {
                    long second = firstWindow + window * 60L + i * 10L + writer.charAt(1) - '0';
                    fixture.writeSource(ns, second, writer, window * 100L + i, ROWS_PER_FILE);
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
        StreamExecutionEnvironment env = environment(restoreFrom);
        Configuration conf = jobConfig();
        // A restored job must read on from its checkpointed shard positions: with LATEST, a job that ignored them
        // would never see the files announced before it started, and the test would time out.
        restoreFrom.ifPresent(p -> conf.set(CompactorOptions.KINESIS_INITIAL_POSITION, "LATEST"));
        CompactorPipeline.build(env, conf, stores).rejections().addSink(new CollectRejections());
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
