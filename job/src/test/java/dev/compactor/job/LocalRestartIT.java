package dev.compactor.job;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.events.BucketEvent;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/compactor local} started again after its job went down resumes from the newest retained checkpoint:
 * the files the first run had seen are not listed again, and the window they opened survives in WindowTracker's
 * state, so it compacts with the files of both runs.
 */
class LocalRestartIT {

    private static final Queue<String> FILES_ADDED = new ConcurrentLinkedQueue<>();
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final int MIN_FILES = 10;

    @TempDir
    Path bucket;

    private Configuration userConf() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(RestOptions.PORT, 0);
        conf.set(QueryableStateOptions.PROXY_PORT_RANGE, "9271-9370");
        conf.set(QueryableStateOptions.SERVER_PORT_RANGE, "9371-9470");
        conf.setString("execution.checkpointing.interval", "300 ms");
        conf.setString("parallelism.default", "1");
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MIN_FILES, MIN_FILES);
        // the window must wait for its tenth file, not be forced out short of it
        conf.set(CompactorOptions.FORCE_AFTER, Duration.ofHours(1));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(1));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)));
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        return conf;
    }

    /** The real pipeline, plus a record of the files the tracker was told about. */
    private static void recordingPipeline(StreamExecutionEnvironment env, Configuration conf) {
        CompactorPipeline.build(env, conf).events()
                .filter(e -> e.type == BucketEvent.Type.FILE_ADDED)
                .map(e -> e.key)
                .addSink(new RecordFilesAdded());
    }

    private static final class RecordFilesAdded implements SinkFunction<String> {
        @Override
        public void invoke(String key, Context context) {
            FILES_ADDED.add(key);
        }
    }

    @Test
    void restartResumesFromTheNewestCheckpointWithThePendingWindowIntact() throws Exception {
        BucketFixture fixture = new BucketFixture(bucket);
        long window = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        List<String> firstHalf = new ArrayList<>();
        for (int i = 0; i < MIN_FILES / 2; i++) {
            firstHalf.add(fixture.writeSource("users", window + i, "w1", i, 20));
        }
        FILES_ADDED.clear();

        LocalRunner first = new LocalRunner(userConf(), LocalRestartIT::recordingPipeline);
        assertTrue(first.restorePath().isEmpty(), "an empty state directory starts fresh");
        JobClient run1 = first.start();
        Path checkpoints = bucket.resolve("_state/checkpoints");
        awaitTrue(() -> FILES_ADDED.size() == firstHalf.size(), "the first run saw the files");
        long seenAt = RetainedCheckpoints.latest(checkpoints).map(RetainedCheckpoints.Checkpoint::number).orElse(0L);
        // two checkpoints later, one was surely triggered after the files were processed
        awaitTrue(() -> RetainedCheckpoints.latest(checkpoints)
                .filter(c -> c.jobId().equals(run1.getJobID().toHexString()) && c.number() >= seenAt + 2)
                .isPresent(), "checkpoints after the files were seen");
        run1.cancel().get();
        assertThrows(ExecutionException.class, () -> run1.getJobExecutionResult().get());
        assertTrue(fixture.manifests().isEmpty(), "5 of 10 files: the window is still pending");

        FILES_ADDED.clear();
        LocalRunner second = new LocalRunner(userConf(), LocalRestartIT::recordingPipeline);
        RetainedCheckpoints.Checkpoint newest = RetainedCheckpoints.latest(checkpoints).orElseThrow();
        assertEquals(newest.directory().toString(), second.restorePath().orElseThrow());
        assertEquals(run1.getJobID().toHexString(), newest.jobId());
        JobClient run2 = second.start();
        try {
            List<String> secondHalf = new ArrayList<>();
            for (int i = MIN_FILES / 2; i < MIN_FILES; i++) {
                secondHalf.add(fixture.writeSource("users", window + i, "w1", i, 20));
            }
            awaitTrue(() -> fixture.sources().isEmpty() && fixture.manifests().size() == 1
                    && fixture.staging().isEmpty(), "the window compacted after the restart");

            assertEquals(Set.copyOf(secondHalf), Set.copyOf(FILES_ADDED),
                    "the restored source does not list the first run's files again");
            Manifest manifest = ManifestCodec.fromJson(fixture.store.read(fixture.manifests().get(0).key()));
            assertEquals(MIN_FILES, manifest.inputs().size(),
                    "the files of the first run came back from the restored tracker state");
            assertEquals(0, manifest.generation());
            assertEquals(fixture.written, fixture.committedRows(), "every row exactly once");
        } finally {
            run2.cancel().get();
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
