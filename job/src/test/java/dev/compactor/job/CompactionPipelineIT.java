package dev.compactor.job;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.commit.StagedWindowCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.compactor.events.Rejection;

import org.apache.flink.streaming.api.functions.sink.SinkFunction;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole job on a MiniCluster over a real local bucket: 3 writers × 3 namespaces × 2 windows × 15 files.
 * Every input row must appear exactly once in the outputs (full rows compared), with and without a crash.
 */
class CompactionPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String[] NAMESPACES = {"users", "orders", "app/events"};
    private static final String[] WRITERS = {"w1", "w2", "w3"};
    private static final int FILES_PER_WRITER_AND_WINDOW = 5;
    private static final int ROWS_PER_FILE = 40;
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path bucket;

    /** Two whole one-minute windows that ended ten minutes ago: a backfill, ready as soon as it is seen. */
    private BucketFixture writeTwoWindows() throws Exception {
        BucketFixture fixture = new BucketFixture(bucket);
        long firstWindow = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        for (String ns : NAMESPACES) {
            for (int window = 0; window < 2; window++) {
                for (String writer : WRITERS) {
                    for (int i = 0; i < FILES_PER_WRITER_AND_WINDOW; i++) {
                        long second = firstWindow + window * 60L + i * 10L + writer.charAt(1) - '0';
                        fixture.writeSource(ns, second, writer, window * 100L + i, ROWS_PER_FILE);
                    }
                }
            }
        }
        return fixture;
    }

    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(5));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5)));
        conf.set(CompactorOptions.MIN_FILES, 10);
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        conf.set(CompactorOptions.TARGET_FILE_SIZE, org.apache.flink.configuration.MemorySize.parse("8 kb"));
        return conf;
    }

    private static StreamExecutionEnvironment environment(boolean rocksDb) {
        Configuration env = new Configuration();
        env.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        env.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        env.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        if (rocksDb) {
            env.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        }
        StreamExecutionEnvironment e = StreamExecutionEnvironment.getExecutionEnvironment(env);
        e.setParallelism(2);
        e.enableCheckpointing(300);
        return e;
    }

    private static final Queue<String> REJECTED = new ConcurrentLinkedQueue<>();

    /** The MiniCluster shares the test's JVM, so a static queue sees what the job rejected. */
    private static final class CollectRejections implements SinkFunction<Rejection> {
        @Override
        public void invoke(Rejection r, Context context) {
            REJECTED.add(r.reason + " " + r.key);
        }
    }

    private void runUntilCompacted(StreamExecutionEnvironment env, BucketFixture fixture, int expectedManifests)
            throws Exception {
        JobClientRun.until(env, () -> fixture.sources().isEmpty() && fixture.manifests().size() == expectedManifests
                && fixture.staging().isEmpty(), () -> describe(fixture));
    }

    /** Runs the job until a condition on the bucket holds, failing on a deadline or if the job stops. */
    private static final class JobClientRun {
        interface Condition {
            boolean holds() throws Exception;
        }

        static void until(StreamExecutionEnvironment env, Condition done, Supplier<String> state) throws Exception {
            JobClient job = env.executeAsync("compaction-it");
            try {
                Instant deadline = Instant.now().plus(DEADLINE);
                while (!done.holds()) {
                    assertTrue(Instant.now().isBefore(deadline), () -> "not compacted in time: " + state.get());
                    assertTrue(!job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
                    Thread.sleep(200);
                }
            } finally {
                job.cancel().get();
            }
        }
    }

    private static String describe(BucketFixture f) {
        try {
            return f.sources().size() + " sources left, " + f.manifests().size() + " manifests, "
                    + f.staging().size() + " staging objects, " + f.compactedOutputs().size() + " outputs";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static void assertExactlyOnce(BucketFixture fixture) throws Exception {
        assertEquals(fixture.written, fixture.committedRows(), "every input row exactly once in the outputs");
        assertTrue(fixture.sources().isEmpty(), "sources deleted after commit");
        assertTrue(fixture.staging().isEmpty(), "no staging leftovers");
    }

    @Test
    void compactsEveryWindowExactlyOnce() throws Exception {
        BucketFixture fixture = writeTwoWindows();
        StreamExecutionEnvironment env = environment(false);
        CompactorPipeline.build(env, jobConfig());
        runUntilCompacted(env, fixture, NAMESPACES.length * 2);

        assertExactlyOnce(fixture);
        assertEquals(NAMESPACES.length * WRITERS.length * 2 * FILES_PER_WRITER_AND_WINDOW * ROWS_PER_FILE,
                fixture.committedRows().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(fixture.compactedOutputs().stream().allMatch(o -> o.key().matches(
                "data/.+/year=\\d{4}/month=\\d{2}/day=\\d{2}/hour=\\d{2}/compacted-\\d+-g0-p\\d+\\.parquet")),
                "output names follow the contract");
        assertTrue(fixture.compactedOutputs().size() > NAMESPACES.length * 2, "8 kb target: several parts per window");
    }

    @Test
    void badObjectsAreCountedRejectionsOrQuarantinedAndTheJobKeepsCompacting() throws Exception {
        BucketFixture fixture = writeTwoWindows();
        long second = Long.parseLong(fixture.sources().get(0).key().replaceAll(".*/(\\d+)-.*", "$1"));
        fixture.store.write("data/users/notes.txt", "not parquet".getBytes(StandardCharsets.UTF_8));
        fixture.store.write("data/users/garbage-name.parquet", new byte[] {1, 2, 3});
        fixture.store.write("data/users/" + second + "-bad-writer-7.parquet", new byte[] {1});
        String corrupt = BucketFixture.sourceKey("users", second, "w1", 999);
        byte[] corruptBytes = "PAR1 this is not a parquet file PAR1".getBytes(StandardCharsets.UTF_8);
        fixture.store.write(corrupt, corruptBytes);
        REJECTED.clear();

        StreamExecutionEnvironment env = environment(false);
        CompactorPipeline.build(env, jobConfig()).rejections()
                .addSink(new CollectRejections());
        int rejectedSources = 3;
        JobClientRun.until(env, () -> fixture.sources().size() == rejectedSources
                && fixture.manifests().size() == NAMESPACES.length * 2 && fixture.staging().isEmpty(),
                () -> describe(fixture) + ", rejected " + REJECTED);

        assertTrue(REJECTED.contains("NOT_PARQUET data/users/notes.txt"), REJECTED.toString());
        assertTrue(REJECTED.contains("MALFORMED_NAME data/users/garbage-name.parquet"), REJECTED.toString());
        assertTrue(REJECTED.contains("MALFORMED_NAME data/users/" + second + "-bad-writer-7.parquet"),
                REJECTED.toString());
        String quarantined = corrupt.replaceFirst("^data/", "_quarantine/") + ".v" + corruptBytes.length;
        assertTrue(fixture.store.head(quarantined).isPresent(),
                "corrupt input quarantined under _quarantine/{ns}/{file name}.v{size}");
        String reason = new String(fixture.store.read(quarantined + ".reason.json"), StandardCharsets.UTF_8);
        assertTrue(reason.contains(corrupt), reason);
        assertTrue(fixture.store.head(corrupt).isEmpty(), "quarantined original removed after the manifest");
        assertEquals(fixture.written, fixture.committedRows(), "every valid row exactly once");
    }

    @Test
    void freshStartAfterACrashBetweenManifestAndSourceDeletionDoesNotDuplicateRows() throws Exception {
        BucketFixture fixture = writeTwoWindows();
        PlantedCrash.arm(PlantedCrash.Fault.COMMIT_DELETE);
        String root = bucket.toString();
        ObjectStoreFactory faulty = () -> new FaultyStore(new LocalObjectStore(Path.of(root)), new PlantedCrash());
        StreamExecutionEnvironment first = environment(false);
        first.configure(noRestarts());
        CompactorPipeline.build(first, jobConfig(), faulty);
        JobClient crashed = first.executeAsync("crashes-after-a-manifest");
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!crashed.getJobStatus().get().isTerminalState()) {
            assertTrue(Instant.now().isBefore(deadline), "the planted crash did not stop the job");
            Thread.sleep(100);
        }
        assertEquals(1, PlantedCrash.CRASHES.get());
        assertTrue(!fixture.manifests().isEmpty() && !fixture.sources().isEmpty(),
                "left a committed window with sources still in place: " + describe(fixture));

        // All state is lost; the new job rebuilds it from the bucket listing.
        StreamExecutionEnvironment second = environment(false);
        CompactorPipeline.build(second, jobConfig());
        JobClientRun.until(second, () -> fixture.sources().isEmpty() && fixture.staging().isEmpty()
                && fixture.manifests().size() >= NAMESPACES.length * 2, () -> describe(fixture));
        assertExactlyOnce(fixture);
    }

    /**
     * The bucket, where a writer flushes one source key again right after the first merge read it: the write lands
     * together with that attempt's {@code _STAGED.json} marker, so the rewrite is after the window froze and before
     * its commit deletes the sources, whatever the timing of the job. Static because the MiniCluster runs in the
     * test's JVM.
     */
    private static final class RewriteAfterFirstMerge extends ForwardingObjectStore {
        static volatile BucketFixture fixture;
        static final AtomicReference<String> REWRITTEN = new AtomicReference<>();
        static final int ROWS = 25;

        RewriteAfterFirstMerge(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public void write(String key, byte[] content) throws IOException {
            super.write(key, content);
            if (key.endsWith(BucketLayout.STAGED_MARKER)) {
                String merged = StagedWindowCodec.fromJson(content).inputs.get(0).key;
                if (REWRITTEN.compareAndSet(null, merged)) {
                    fixture.rewriteSource(merged, ROWS);
                }
            }
        }
    }

    @Test
    void aSourceRewrittenAfterItsWindowFrozeIsCompactedOnceInTheNextGeneration() throws Exception {
        BucketFixture fixture = writeTwoWindows();
        RewriteAfterFirstMerge.fixture = fixture;
        RewriteAfterFirstMerge.REWRITTEN.set(null);
        String root = bucket.toString();
        ObjectStoreFactory rewriting = () -> new RewriteAfterFirstMerge(new LocalObjectStore(Path.of(root)));
        StreamExecutionEnvironment env = environment(false);
        CompactorPipeline.build(env, jobConfig(), rewriting);
        int windows = NAMESPACES.length * 2;
        JobClientRun.until(env, () -> fixture.sources().isEmpty() && fixture.staging().isEmpty()
                && fixture.manifests().size() >= windows, () -> describe(fixture));

        String rewritten = RewriteAfterFirstMerge.REWRITTEN.get();
        assertTrue(rewritten != null, "a merge staged a window");
        // Both versions' rows exactly once: the first from the frozen generation, the second from the next one.
        Map<String, Integer> committed = fixture.committedRows();
        List<String> lost = fixture.written.keySet().stream().filter(row -> !committed.containsKey(row)).toList();
        assertTrue(lost.isEmpty(), () -> lost.size() + " rows never committed, e.g. " + lost.get(0));
        assertExactlyOnce(fixture);
        List<Manifest> withKey = new ArrayList<>();
        for (ObjectInfo m : fixture.manifests()) {
            Manifest manifest = ManifestCodec.fromJson(fixture.store.read(m.key()));
            if (manifest.inputs().stream().anyMatch(i -> i.key().equals(rewritten))) {
                withKey.add(manifest);
            }
        }
        assertEquals(windows + 1, fixture.manifests().size(), "one more generation, for the new version");
        assertEquals(List.of(0, 1), withKey.stream().map(Manifest::generation).sorted().toList(),
                "each version merged by its own generation of the window");
        assertEquals(RewriteAfterFirstMerge.ROWS, withKey.stream().filter(m -> m.generation() == 1)
                .flatMap(m -> m.inputs().stream()).filter(i -> i.key().equals(rewritten))
                .mapToLong(Manifest.InputEntry::rows).sum());
    }

    /**
     * Every source read of a merge takes {@link #DELAY_MS}: a store that is slow but moves bytes. Records what the
     * merges staged, and when, to show which attempts ran and how long the first merge took.
     */
    private static final class SlowSourceReads extends ForwardingObjectStore {
        static final long DELAY_MS = 200;
        static final Queue<String> STAGING_WRITES = new ConcurrentLinkedQueue<>();
        static final AtomicReference<Long> FIRST_READ = new AtomicReference<>();
        static final AtomicReference<Long> FIRST_STAGED = new AtomicReference<>();

        SlowSourceReads(ObjectStore delegate) {
            super(delegate);
        }

        private static void slowRead(String key) throws IOException {
            if (key.startsWith(BucketLayout.defaults().dataPrefix()) && key.endsWith(".parquet")
                    && !key.contains("/compacted-")) {
                FIRST_READ.compareAndSet(null, System.nanoTime());
                try {
                    Thread.sleep(DELAY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted in the slow store");
                }
            }
        }

        @Override
        public InputFile inputFile(String key) throws IOException {
            slowRead(key);
            return super.inputFile(key);
        }

        @Override
        public byte[] read(String key) throws IOException {
            slowRead(key);
            return super.read(key);
        }

        @Override
        public OutputFile outputFile(String key) throws IOException {
            if (key.startsWith(BucketLayout.STAGING_PREFIX)) {
                STAGING_WRITES.add(key);
            }
            return super.outputFile(key);
        }

        @Override
        public void write(String key, byte[] content) throws IOException {
            if (key.startsWith(BucketLayout.STAGING_PREFIX)) {
                STAGING_WRITES.add(key);
                if (key.endsWith(BucketLayout.STAGED_MARKER)) {
                    FIRST_STAGED.compareAndSet(null, System.nanoTime());
                }
            }
            super.write(key, content);
        }
    }

    /**
     * Issue 23 item 3: with a store so slow that each window's merge takes more than three processing timeouts,
     * every window commits once, from its first attempt. Before, the async timeout (twice the processing timeout
     * from dispatch) discarded each merge and the tracker retried the window after one timeout, so no merge ever
     * committed.
     */
    @Test
    void mergesThatTakeThreeProcessingTimeoutsButMoveBytesCommitOnce() throws Exception {
        BucketFixture fixture = writeTwoWindows();
        SlowSourceReads.STAGING_WRITES.clear();
        SlowSourceReads.FIRST_READ.set(null);
        SlowSourceReads.FIRST_STAGED.set(null);
        String root = bucket.toString();
        ObjectStoreFactory slow = () -> new SlowSourceReads(new LocalObjectStore(Path.of(root)));
        Configuration conf = jobConfig();
        Duration timeout = Duration.ofSeconds(2);
        conf.set(CompactorOptions.PROCESSING_TIMEOUT, timeout);
        StreamExecutionEnvironment env = environment(false);
        CompactorPipeline.build(env, conf, slow);
        runUntilCompacted(env, fixture, NAMESPACES.length * 2);

        assertExactlyOnce(fixture);
        long firstMergeMs = (SlowSourceReads.FIRST_STAGED.get() - SlowSourceReads.FIRST_READ.get()) / 1_000_000;
        assertTrue(firstMergeMs >= 3 * timeout.toMillis(), "the first merge took only " + firstMergeMs + " ms");
        List<String> retries = SlowSourceReads.STAGING_WRITES.stream().filter(k -> !k.contains("-a0/")).toList();
        assertEquals(List.of(), retries, "no window was tried a second time");
        for (ObjectInfo m : fixture.manifests()) {
            assertEquals(0, ManifestCodec.fromJson(fixture.store.read(m.key())).generation(), m.key());
        }
    }

    private static Configuration noRestarts() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return c;
    }

    @ParameterizedTest
    @EnumSource(PlantedCrash.Fault.class)
    void crashAndRestartFromCheckpointStillGivesExactlyOnce(PlantedCrash.Fault fault) throws Exception {
        BucketFixture fixture = writeTwoWindows();
        PlantedCrash.arm(fault);
        String root = bucket.toString();
        ObjectStoreFactory faulty = () -> new FaultyStore(new LocalObjectStore(Path.of(root)), new PlantedCrash());
        StreamExecutionEnvironment env = environment(true);
        CompactorPipeline.build(env, jobConfig(), faulty);
        runUntilCompacted(env, fixture, NAMESPACES.length * 2);

        assertEquals(1, PlantedCrash.CRASHES.get(), "the planted crash happened");
        assertExactlyOnce(fixture);
    }
}
