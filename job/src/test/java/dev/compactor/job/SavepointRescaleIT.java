package dev.compactor.job;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.events.BucketEvent;
import dev.compactor.store.ObjectInfo;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Savepoints carry pending windows across a change of parallelism, 1 → 2 → 1: each window compacts once, with the
 * files seen before and after each savepoint, and every row exactly once.
 */
class SavepointRescaleIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final int MIN_FILES = 10;
    private static final AtomicInteger FILES_ADDED = new AtomicInteger();

    @TempDir
    Path bucket;

    @TempDir
    Path savepoints;

    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MIN_FILES, MIN_FILES);
        conf.set(CompactorOptions.FORCE_AFTER, Duration.ofHours(1));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(1));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)));
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        return conf;
    }

    private JobClient start(int parallelism, String restoreFrom) throws Exception {
        Configuration envConf = new Configuration();
        envConf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(300);
        CompactorPipeline.build(env, jobConfig()).events()
                .filter(e -> e.type == BucketEvent.Type.FILE_ADDED)
                .addSink(new CountFilesAdded());
        StreamGraph graph = env.getStreamGraph();
        if (restoreFrom != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoreFrom));
        }
        return env.executeAsync(graph);
    }

    @Test
    void pendingWindowsSurviveRescalingThroughSavepoints() throws Exception {
        FILES_ADDED.set(0);
        BucketFixture fixture = new BucketFixture(bucket);
        long window = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        writeFiles(fixture, "users", window, 0, MIN_FILES / 2);
        writeFiles(fixture, "orders", window, 0, MIN_FILES / 2);

        JobClient p1 = start(1, null);
        // the savepoint's barrier follows these events, so the tracker's snapshot holds them
        awaitTrue(() -> FILES_ADDED.get() == MIN_FILES, "the first job saw the files");
        String first = stopWithSavepoint(p1);

        JobClient p2 = start(2, first);
        writeFiles(fixture, "users", window, MIN_FILES / 2, MIN_FILES);
        awaitTrue(() -> fixture.manifests().size() == 1 && fixture.staging().isEmpty()
                && fixture.sources().stream().noneMatch(o -> o.key().startsWith("data/users/")),
                "users compacted at parallelism 2");
        String second = stopWithSavepoint(p2);

        JobClient p3 = start(1, second);
        try {
            writeFiles(fixture, "orders", window, MIN_FILES / 2, MIN_FILES);
            awaitTrue(() -> fixture.manifests().size() == 2 && fixture.sources().isEmpty()
                    && fixture.staging().isEmpty(), "orders compacted at parallelism 1");
        } finally {
            p3.cancel().get();
        }
        for (ObjectInfo m : fixture.manifests()) {
            Manifest manifest = ManifestCodec.fromJson(fixture.store.read(m.key()));
            assertEquals(MIN_FILES, manifest.inputs().size(), manifest.namespace() + ": files from both sides of "
                    + "the rescale in one window");
            assertEquals(0, manifest.generation());
        }
        assertEquals(fixture.written, fixture.committedRows(), "every row exactly once");
    }

    private static final class CountFilesAdded implements SinkFunction<BucketEvent> {
        @Override
        public void invoke(BucketEvent e, Context context) {
            FILES_ADDED.incrementAndGet();
        }
    }

    private static void writeFiles(BucketFixture fixture, String ns, long window, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            fixture.writeSource(ns, window + i, "w1", i, 20);
        }
    }

    private String stopWithSavepoint(JobClient job) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (true) {
            try {
                return job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get();
            } catch (ExecutionException notAllTasksRunning) {
                assertTrue(Instant.now().isBefore(deadline), () -> "no savepoint: " + notAllTasksRunning);
                Thread.sleep(200);
            }
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.holds()) {
            assertTrue(Instant.now().isBefore(deadline), "timed out waiting for: " + what);
            Thread.sleep(100);
        }
    }
}
