package dev.compactor.job;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.ObjectInfo;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbook's awkward cases on a real job over three windows: a writer that stops, a late file after its window
 * was compacted, a duplicate event, a delete of a pending file and a corrupt file. Every good row ends up exactly
 * once, the corrupt file in quarantine, nothing pending.
 */
class SchedulingPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long WINDOW_SECONDS = 20;
    private static final String NS = "users";
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path bucket;

    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofSeconds(WINDOW_SECONDS));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(2)));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(3));
        conf.set(CompactorOptions.MIN_FILES, 3);
        conf.set(CompactorOptions.WRITER_INACTIVE_AFTER, Duration.ofSeconds(30));
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        return conf;
    }

    @Test
    void awkwardWritersStillGiveEveryGoodRowExactlyOnce() throws Exception {
        BucketFixture fixture = new BucketFixture(bucket);
        long current = Instant.now().getEpochSecond() / WINDOW_SECONDS * WINDOW_SECONDS;
        long a = current - 3 * WINDOW_SECONDS;
        long b = current - 2 * WINDOW_SECONDS;
        long c = current; // not over yet: it is pending while we delete from it
        for (String writer : List.of("w1", "w2", "w3")) {
            fixture.writeSource(NS, a + 1, writer, 0, 30);
            fixture.writeSource(NS, b + 1, writer, 1, 30);
            fixture.writeSource(NS, c + 1, writer, 2, 30);
        }
        fixture.writeSource(NS, a + 2, "stopper", 0, 30); // writes once, then stops
        String corrupt = BucketFixture.sourceKey(NS, b + 3, "w1", 9);
        byte[] corruptBytes = "PAR1 not really PAR1".getBytes(StandardCharsets.UTF_8);
        fixture.store.write(corrupt, corruptBytes);
        String doomed = fixture.writeSource(NS, c + 2, "w1", 7, 30);
        fixture.forget(doomed);
        ObjectInfo duplicated = fixture.store.head(BucketFixture.sourceKey(NS, b + 1, "w2", 1)).orElseThrow();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        DataStream<ObjectEvent> duplicate = env.fromData(TypeInformation.of(ObjectEvent.class),
                ObjectEvent.created(duplicated.key(), duplicated.size(), duplicated.eTag(), 0));
        DataStream<ObjectEvent> events = CompactorPipeline.bucketWatch(env, jobConfig(), CompactorPipeline
                .storeFactory(jobConfig())).union(duplicate);
        CompactorPipeline.fromObjectEvents(events, null, jobConfig(), CompactorPipeline.storeFactory(jobConfig()));

        JobClient job = env.executeAsync("scheduling-it");
        try {
            String manifestA0 = fixture.layout.manifestKey(NS, a * 1000, 0);
            waitFor(() -> fixture.store.head(manifestA0).isPresent(), job, fixture);
            fixture.store.delete(doomed);
            fixture.writeSource(NS, a + 5, "w2", 5, 30); // late: window a was already compacted

            waitFor(() -> fixture.sources().isEmpty() && fixture.staging().isEmpty()
                    && fixture.store.head(fixture.layout.manifestKey(NS, a * 1000, 1)).isPresent()
                    && fixture.store.head(fixture.layout.manifestKey(NS, c * 1000, 0)).isPresent(), job, fixture);
        } finally {
            job.cancel().get();
        }

        assertEquals(fixture.written, fixture.committedRows(), "every good row exactly once");
        assertTrue(fixture.store.head(fixture.layout.quarantineKey(corrupt, corruptBytes.length)).isPresent(), "corrupt file quarantined");
        Map<String, Integer> manifestsByWindow = Map.of(
                fixture.layout.manifestKey(NS, a * 1000, 0), 1, fixture.layout.manifestKey(NS, a * 1000, 1), 1,
                fixture.layout.manifestKey(NS, b * 1000, 0), 1, fixture.layout.manifestKey(NS, c * 1000, 0), 1);
        for (String manifest : manifestsByWindow.keySet()) {
            assertTrue(fixture.store.head(manifest).isPresent(), manifest);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition condition, JobClient job, BucketFixture fixture) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.holds()) {
            assertTrue(Instant.now().isBefore(deadline), () -> {
                try {
                    return "timed out: sources " + fixture.sources() + ", manifests " + fixture.manifests();
                } catch (Exception e) {
                    return e.toString();
                }
            });
            assertTrue(!job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
            Thread.sleep(200);
        }
    }
}
