package dev.compactor.job;

import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
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

    private void runUntilCompacted(StreamExecutionEnvironment env, BucketFixture fixture, int expectedManifests)
            throws Exception {
        JobClient job = env.executeAsync("compaction-it");
        try {
            Instant deadline = Instant.now().plus(DEADLINE);
            while (!(fixture.sources().isEmpty() && fixture.manifests().size() == expectedManifests
                    && fixture.staging().isEmpty())) {
                assertTrue(Instant.now().isBefore(deadline), () -> "not compacted in time: "
                        + describe(fixture));
                assertTrue(!job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get();
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

    @ParameterizedTest
    @EnumSource(FaultInjectingStore.Fault.class)
    void crashAndRestartFromCheckpointStillGivesExactlyOnce(FaultInjectingStore.Fault fault) throws Exception {
        BucketFixture fixture = writeTwoWindows();
        FaultInjectingStore.arm(fault);
        String root = bucket.toString();
        ObjectStoreFactory faulty = () -> new FaultInjectingStore(new LocalObjectStore(Path.of(root)));
        StreamExecutionEnvironment env = environment(true);
        CompactorPipeline.build(env, jobConfig(), faulty);
        runUntilCompacted(env, fixture, NAMESPACES.length * 2);

        assertEquals(1, FaultInjectingStore.CRASHES.get(), "the planted crash happened");
        assertExactlyOnce(fixture);
    }
}
