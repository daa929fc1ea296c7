package dev.compactor.job;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failure-injection suite (Maven profile {@code fault-injection}): writers keep dropping files over many windows
 * while {@link ChaosFaults} injects random task failures and store errors at every step of merge and commit, on the
 * bucket's listing and around checkpoints ({@link ChaosCheckpoints}). After
 * the faults stop and the bucket is idle: every row exactly once, no source deleted before its manifest, no staging
 * left, nothing pending, the job running. The seed is printed; {@code -Dchaos.seed=N} replays a run.
 */
class FaultInjectionIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final int FAULTS_PER_SITE = Integer.getInteger("chaos.faults-per-site", 22);
    private static final int FAULTS = FAULTS_PER_SITE * ChaosFaults.Site.values().length;
    /** With AwsFaultInjectionIT's, at least 200 faults per run of the profile. */
    private static final int MIN_FAULTS = FAULTS * 6 / 7;
    private static final String[] NAMESPACES = {"users", "orders", "app/events"};
    private static final String[] WRITERS = {"w1", "w2", "w3"};

    @TempDir
    Path bucket;

    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        FaultRun.fastWindows(conf);
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        return conf;
    }

    @Test
    void survivesRandomFaultsAtEveryStepWithEveryRowExactlyOnce() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.out.println("FaultInjectionIT seed " + seed + " (replay with -Dchaos.seed=" + seed + ")");
        ChaosFaults.start(seed, FAULTS_PER_SITE);
        BucketFixture fixture = new BucketFixture(bucket);

        Configuration envConf = new Configuration();
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10 * FAULTS);
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        envConf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        String root = bucket.toString();
        ObjectStoreFactory chaos = () -> {
            LocalObjectStore local = new LocalObjectStore(Path.of(root));
            return new FaultyStore(local, new ChaosFaults(local));
        };
        Configuration conf = jobConfig();
        DataStream<ObjectEvent> events = CompactorPipeline.bucketWatch(env, conf, chaos)
                .map(new ChaosCheckpoints()).uid("chaos-checkpoints").name("chaos checkpoints").setParallelism(1);
        CompactorPipeline.fromObjectEvents(events, null, conf, chaos);
        JobClient job = env.executeAsync("fault-injection");

        new FaultRun(List.of(NAMESPACES), List.of(WRITERS), Duration.ofMillis(300), () -> { })
                .run(job, fixture, () -> ChaosFaults.BUDGET.injected() >= FAULTS, ChaosFaults.BUDGET::stop);

        System.out.println("FaultInjectionIT survived " + ChaosFaults.BUDGET.injected() + " injected faults: "
                + ChaosFaults.BUDGET.byKind() + "; " + fixture.manifests().size() + " window generations committed");
        assertTrue(ChaosFaults.BUDGET.injected() >= MIN_FAULTS, "at least " + MIN_FAULTS + " faults, got "
                + ChaosFaults.BUDGET.injected() + ": " + ChaosFaults.BUDGET.byKind());
        assertTrue(ChaosFaults.VIOLATIONS.isEmpty(), ChaosFaults.VIOLATIONS.toString());
        assertEquals(fixture.written, fixture.committedRows(), "every row exactly once (seed " + seed + ")");
    }
}
