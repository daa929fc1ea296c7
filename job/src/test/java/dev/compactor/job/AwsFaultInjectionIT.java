package dev.compactor.job;

import dev.compactor.job.aws.AwsFaults;
import dev.compactor.job.aws.KinesisLocal;
import dev.compactor.job.aws.NotifyingObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.store.S3ProxyServer;
import dev.compactor.store.S3Settings;

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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production mode under the AWS faults of the failure-injection suite (profile {@code fault-injection}): the
 * job reads the bucket's notifications from Kinesis and works on S3 (S3Proxy, kinesis-local) while
 * {@link AwsFaults} makes S3 calls time out, answer 500 or throttle (503 SlowDown) and Kinesis reads answer 500 or
 * ProvisionedThroughputExceeded, inside the AWS SDK, so its retries are exercised as in production. Writers keep
 * dropping files into two namespaces meanwhile. Afterwards: every row exactly once, nothing left pending, the job
 * running. {@code -Dchaos.seed=N} replays a run.
 */
class AwsFaultInjectionIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final int FAULTS_PER_KIND = Integer.getInteger("chaos.aws-faults-per-kind", 12);
    private static final int FAULTS = FAULTS_PER_KIND * AwsFaults.Kind.values().length;
    private static final String[] NAMESPACES = {"users", "app/events"};
    private static final String[] WRITERS = {"w1", "w2", "w3"};
    private static final String PREFIX = "lake/";

    @TempDir
    Path tmp;

    @Test
    void everyRowExactlyOnceThroughS3AndKinesisFaults() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.out.println("AwsFaultInjectionIT seed " + seed + " (replay with -Dchaos.seed=" + seed + ")");
        AwsFaults.exemptCurrentThread();
        try (S3ProxyServer s3 = S3ProxyServer.start();
             KinesisLocal kinesis = KinesisLocal.start(tmp.resolve("kinesis.log"))) {
            s3.createBucket("compaction");
            kinesis.createStream("bucket-events", 1);
            S3Settings settings = s3.settings("compaction", PREFIX);
            try (NotifyingObjectStore writerStore = NotifyingObjectStore.open(settings, kinesis.endpoint(),
                    "bucket-events")) {
                BucketFixture fixture = new BucketFixture(writerStore);
                AwsFaults.BUDGET.start(seed, FAULTS_PER_KIND);
                JobClient job = start(jobConfig(s3, kinesis),
                        NotifyingObjectStore.factory(settings, kinesis.endpoint(), "bucket-events"));
                new FaultRun(List.of(NAMESPACES), List.of(WRITERS), Duration.ofMillis(400),
                        AwsFaults::exemptCurrentThread).run(job, fixture, AwsFaults.BUDGET::spent, AwsFaults.BUDGET::stop);
                System.out.println("AwsFaultInjectionIT survived " + AwsFaults.BUDGET.injected() + " injected faults: "
                        + AwsFaults.BUDGET.byKind() + "; " + fixture.manifests().size() + " window generations committed");
                int minFaults = FAULTS * 5 / 6;
                assertTrue(AwsFaults.BUDGET.injected() >= minFaults, "at least " + minFaults + " faults, got "
                        + AwsFaults.BUDGET.injected() + ": " + AwsFaults.BUDGET.byKind());
                assertEquals(fixture.written, fixture.committedRows(), "every row exactly once (seed " + seed + ")");
            }
        }
    }

    private Configuration jobConfig(S3ProxyServer s3, KinesisLocal kinesis) {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, "s3://compaction/" + PREFIX);
        conf.set(CompactorOptions.S3_ENDPOINT, s3.endpoint());
        conf.set(CompactorOptions.S3_REGION, "us-east-1");
        conf.set(CompactorOptions.S3_PATH_STYLE_ACCESS, true);
        conf.set(CompactorOptions.S3_ACCESS_KEY, S3ProxyServer.ACCESS_KEY);
        conf.set(CompactorOptions.S3_SECRET_KEY, S3ProxyServer.SECRET_KEY);
        conf.set(CompactorOptions.EVENTS_SOURCE, "kinesis");
        conf.set(CompactorOptions.KINESIS_STREAM_ARN, kinesis.streamArn("bucket-events"));
        conf.set(CompactorOptions.KINESIS_ENDPOINT, kinesis.endpoint());
        conf.set(CompactorOptions.KINESIS_ACCESS_KEY, KinesisLocal.ACCESS_KEY);
        conf.set(CompactorOptions.KINESIS_SECRET_KEY, KinesisLocal.SECRET_KEY);
        FaultRun.fastWindows(conf);
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        return conf;
    }

    private JobClient start(Configuration conf, ObjectStoreFactory stores) throws Exception {
        Configuration envConf = new Configuration();
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10 * FAULTS);
        envConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        envConf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        CompactorPipeline.build(env, conf, stores);
        return env.executeAsync("aws-fault-injection");
    }
}
