package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.SourceFile;
import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.StatusJson;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.window.BackpressureRule;
import dev.compactor.window.PriorityPolicy;
import dev.compactor.window.RetryPolicy;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRules;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timers and state transitions of WindowTracker, driven by controlled watermarks and processing time. */
class WindowTrackerTest {

    private static final long WINDOW = 60_000;
    private static final long MAX_WAIT = 10_000;
    private static final long TIMEOUT = 30_000;
    private static final long INACTIVE_AFTER = 120_000;
    private static final long FORCE_AFTER = 600_000;
    /** Start of the window under test: 1,700,000,040,000 ms is a multiple of 60 s. */
    private static final long W0 = 1_700_000_040_000L;
    private static final String NS = "users";

    private static final WindowRules WINDOWS = new WindowRules(WINDOW, MAX_WAIT, 3, INACTIVE_AFTER, TIMEOUT,
            FORCE_AFTER);
    /** Priority 2 (the default) waits as long as max-wait, so the wait after a window's end is MAX_WAIT. */
    static final PriorityPolicy PRIORITIES = new PriorityPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofMillis(MAX_WAIT), Duration.ofSeconds(30)), 2, Map.of());
    /** Retries at once (no backoff), three attempts. */
    private static final SchedulingRules RULES = new SchedulingRules(WINDOWS, PRIORITIES,
            BackpressureRule.runbookDefaults(), new RetryPolicy(3, 0, 0));
    @TempDir
    Path bucket;
    private KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(RULES, bucket);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A tracker over the local bucket {@code bucket}, where it finds the manifests of committed generations. */
    static KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> newHarness(
            SchedulingRules rules, Path bucket) throws Exception {
        String root = bucket.toString();
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowTracker(rules, () -> new LocalObjectStore(Path.of(root)),
                        BucketLayout.defaults())), e -> e.namespace, Types.STRING);
    }

    private static BucketEvent file(String writer, long seq, long timeMillis) {
        String key = "data/" + NS + "/" + timeMillis / 1000 + "-" + writer + "-" + seq + ".parquet";
        return BucketEvent.fileAdded(NS, key, 100, "etag-" + key.hashCode(), writer, seq, timeMillis);
    }

    private void send(BucketEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.fileTimeMillis));
    }

    private List<CompactionTask> tasks() {
        return harness.extractOutputValues();
    }

    private static List<String> keys(CompactionTask t) {
        return t.files.stream().map(f -> f.key).collect(Collectors.toList());
    }

    private void fillWindowWithThreeWriters() throws Exception {
        send(file("w1", 0, W0 + 1_000));
        send(file("w2", 0, W0 + 2_000));
        send(file("w3", 0, W0 + 3_000));
    }

    @Test
    void windowCompactsOnlyAfterItsEndPlusMaxWait() throws Exception {
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT - 1));
        assertTrue(tasks().isEmpty(), "must not compact before window end + max-wait");

        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        List<CompactionTask> out = tasks();
        assertEquals(1, out.size());
        CompactionTask task = out.get(0);
        assertEquals(NS, task.namespace);
        assertEquals(W0, task.windowStart);
        assertEquals(W0 + WINDOW, task.windowEnd);
        assertEquals(0, task.generation);
        assertEquals(0, task.attempt);
        assertEquals(3, task.files.size());
        assertEquals(List.of("w1", "w2", "w3"), task.files.stream().map(f -> f.writerId).toList());
    }

    @Test
    void windowWithTooFewFilesWaitsForMore() throws Exception {
        send(file("w1", 0, W0 + 1_000));
        send(file("w1", 1, W0 + 2_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + 5 * MAX_WAIT));
        assertTrue(tasks().isEmpty());

        send(file("w1", 2, W0 + 3_000)); // a late file completes the window
        harness.processWatermark(new Watermark(W0 + WINDOW + 7 * MAX_WAIT));
        assertEquals(1, tasks().size());
        assertEquals(3, tasks().get(0).files.size());
    }

    @Test
    void windowShortOfFilesCompactsOnceForceAfterPassed() throws Exception {
        send(file("w1", 0, W0 + 1_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + FORCE_AFTER - 1));
        assertTrue(tasks().isEmpty());
        harness.processWatermark(new Watermark(W0 + WINDOW + FORCE_AFTER));
        assertEquals(1, tasks().size());
        assertEquals(1, tasks().get(0).files.size());
    }

    @Test
    void singleLateFileAfterDispatchCompactsInTheNextGenerationWithoutMinFiles() throws Exception {
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        send(file("w1", 8, W0 + 30_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + 3 * MAX_WAIT));
        assertEquals(2, tasks().size());
        assertEquals(1, tasks().get(1).generation);
        assertEquals(1, tasks().get(1).files.size());
    }

    @Test
    void staleStagedMarkerOfATimedOutAttemptIsIgnored() throws Exception {
        harness.setProcessingTime(1_000);
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        harness.setProcessingTime(1_000 + 2 * TIMEOUT); // attempt 1 dispatched
        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged(NS, "s0", W0, 0, 0)));
        harness.setProcessingTime(1_000 + 4 * TIMEOUT);
        List<CompactionTask> out = tasks();
        assertEquals(3, out.size(), "attempt 0's marker did not stop attempt 1 from timing out");
        assertEquals(2, out.get(2).attempt);
    }

    @Test
    void stagedWindowThatIsNeverCommittedIsRetried() throws Exception {
        harness.setProcessingTime(1_000);
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        harness.setProcessingTime(2_000);
        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged(NS, "s0", W0, 0, 0)));
        harness.setProcessingTime(2_000 + TIMEOUT - 1);
        assertEquals(1, tasks().size());
        harness.setProcessingTime(2_000 + TIMEOUT);
        assertEquals(2, tasks().size(), "a dropped committable does not leave the window dispatched forever");
        assertEquals(1, tasks().get(1).attempt);
    }

    @Test
    void lateFileWaitsForMissingActiveWriterUntilMaxWaitAfterItArrived() throws Exception {
        // w3 is active (it wrote in the previous window) but has no file in W0.
        send(file("w3", 0, W0 - 5_000));
        harness.processWatermark(new Watermark(W0 + WINDOW - 1_000));
        send(file("w1", 0, W0 + 1_000));
        send(file("w2", 0, W0 + 2_000));
        // A late file arrives when event time is already past the window end.
        harness.processWatermark(new Watermark(W0 + WINDOW + 5_000));
        send(file("w1", 1, W0 + 59_000));

        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertTrue(tasks().stream().noneMatch(t -> t.windowStart == W0),
                "w3 is active and missing: wait max-wait after the last arrival");

        harness.processWatermark(new Watermark(W0 + WINDOW + 5_000 + MAX_WAIT));
        List<CompactionTask> w0 = tasks().stream().filter(t -> t.windowStart == W0).toList();
        assertEquals(1, w0.size());
        assertEquals(3, w0.get(0).files.size());
    }

    @Test
    void allActiveWritersPresentDoesNotWaitForLateArrivals() throws Exception {
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + 5_000));
        send(file("w1", 1, W0 + 59_000)); // late, but every active writer is in the window
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertEquals(1, tasks().size());
        assertEquals(4, tasks().get(0).files.size());
    }

    @Test
    void inactiveWriterDoesNotHoldWindowsBack() throws Exception {
        send(file("old", 0, W0 - INACTIVE_AFTER - 1_000)); // a writer that went quiet long ago
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + 5_000));
        send(file("w1", 1, W0 + 59_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertEquals(1, tasks().stream().filter(t -> t.windowStart == W0).count());
    }

    @Test
    void duplicateDeliveryAddsTheFileOnce() throws Exception {
        BucketEvent f = file("w1", 0, W0 + 1_000);
        send(f);
        send(f);
        send(file("w2", 0, W0 + 2_000));
        send(file("w3", 0, W0 + 3_000));
        send(f);
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertEquals(1, tasks().size());
        assertEquals(3, tasks().get(0).files.size());
        assertEquals(3, keys(tasks().get(0)).stream().distinct().count());
    }

    @Test
    void filesArrivingAfterDispatchFormTheNextGeneration() throws Exception {
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        CompactionTask g0 = tasks().get(0);

        send(file("w1", 5, W0 + 10_000));
        send(file("w2", 5, W0 + 11_000));
        send(file("w3", 5, W0 + 12_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + 3 * MAX_WAIT));
        List<CompactionTask> out = tasks();
        assertEquals(2, out.size());
        CompactionTask g1 = out.get(1);
        assertEquals(1, g1.generation);
        assertTrue(keys(g1).stream().noneMatch(keys(g0)::contains), "generations never share a file");

        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0)));
        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m1", W0, 1)));
        // A file for the same window after both commits gets a fresh generation: names are never reused.
        send(file("w1", 9, W0 + 20_000));
        send(file("w2", 9, W0 + 21_000));
        send(file("w3", 9, W0 + 22_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + 6 * MAX_WAIT));
        assertEquals(3, tasks().size());
        assertEquals(2, tasks().get(2).generation);
    }

    @Test
    void keyRewrittenAfterItsWindowFrozeJoinsTheNextGeneration() throws Exception {
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        CompactionTask g0 = tasks().get(0);
        SourceFile merged = g0.files.get(1);

        // The writer flushes the same key again while generation 0 merges: a new eTag is a new version, whose rows
        // generation 0 never reads, so it must not be dropped as a duplicate.
        BucketEvent v2 = BucketEvent.fileAdded(NS, merged.key, 150, "etag-v2", merged.writerId, 0, W0 + 2_000);
        send(v2);
        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0)));
        harness.processWatermark(new Watermark(W0 + WINDOW + 3 * MAX_WAIT));

        List<CompactionTask> out = tasks();
        assertEquals(2, out.size(), "the rewritten version is compacted, not ignored");
        CompactionTask g1 = out.get(1);
        assertEquals(W0, g1.windowStart);
        assertEquals(1, g1.generation);
        assertEquals(1, g1.files.size());
        SourceFile again = g1.files.get(0);
        assertEquals(merged.key, again.key);
        assertEquals("etag-v2", again.eTag, "generation 1 takes the new version");
        assertEquals(150, again.size);
        assertEquals(merged.eTag, g0.files.get(1).eTag, "generation 0 keeps the version it was given");

        send(v2); // a repeated notification of the new version is a duplicate, not a third generation
        harness.processWatermark(new Watermark(W0 + WINDOW + 6 * MAX_WAIT));
        assertEquals(2, tasks().size());
    }

    @Test
    void stuckWindowIsRetriedWithTheSameFilesAndGeneration() throws Exception {
        harness.setProcessingTime(1_000);
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        send(file("w1", 7, W0 + 30_000)); // joins the next generation, not the frozen one

        // No marker of the merge (it would write _FAILED.json after one timeout without I/O) for twice the timeout.
        harness.setProcessingTime(1_000 + 2 * TIMEOUT - 1);
        assertEquals(1, tasks().size());
        harness.setProcessingTime(1_000 + 2 * TIMEOUT);
        List<CompactionTask> out = tasks();
        assertEquals(2, out.size());
        assertEquals(out.get(0).generation, out.get(1).generation);
        assertEquals(keys(out.get(0)), keys(out.get(1)));
        assertEquals(0, out.get(0).attempt);
        assertEquals(1, out.get(1).attempt);
    }

    /** Issue 23 item 3: a merge that takes three processing timeouts but keeps moving bytes commits once. */
    @Test
    void mergeThatKeepsMakingProgressIsNotRetriedAndCommitsOnce() throws Exception {
        harness.setProcessingTime(1_000);
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertEquals(1, tasks().size());
        for (long t = 1_000 + TIMEOUT / 2; t <= 1_000 + 3 * TIMEOUT; t += TIMEOUT / 2) {
            harness.setProcessingTime(t);
            harness.processElement(new StreamRecord<>(BucketEvent.windowProgress(NS, "p0", W0, 0, 0)));
        }
        harness.setProcessingTime(1_000 + 3 * TIMEOUT + 10);
        assertEquals(1, tasks().size(), "no retry while the first merge still runs");

        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged(NS, "s0", W0, 0, 0)));
        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0)));
        harness.setProcessingTime(1_000 + 20 * TIMEOUT);
        assertEquals(1, tasks().size(), "dispatched and committed once");
        assertEquals(0, harness.numKeyedStateEntries() - writersEntries(), "the window's state is gone");
    }

    @Test
    void mergeWhoseMarkersStopIsRetriedTwiceTheTimeoutAfterTheLastOne() throws Exception {
        harness.setProcessingTime(1_000);
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        long lastProgress = 1_000 + TIMEOUT;
        harness.setProcessingTime(lastProgress);
        harness.processElement(new StreamRecord<>(BucketEvent.windowProgress(NS, "p0", W0, 0, 0)));

        harness.setProcessingTime(lastProgress + 2 * TIMEOUT - 1);
        assertEquals(1, tasks().size());
        harness.setProcessingTime(lastProgress + 2 * TIMEOUT);
        assertEquals(2, tasks().size(), "markers lost with the merge's task: retried, not stuck forever");
        assertEquals(1, tasks().get(1).attempt);

        // A late progress marker of attempt 0 does not keep attempt 1 alive.
        harness.processElement(new StreamRecord<>(BucketEvent.windowProgress(NS, "p0", W0, 0, 0)));
        harness.setProcessingTime(lastProgress + 4 * TIMEOUT);
        assertEquals(3, tasks().size());
        assertEquals(2, tasks().get(2).attempt);
    }

    @Test
    void stagedWindowWaitsForItsCheckpointAndCommitRemovesIt() throws Exception {
        harness.setProcessingTime(1_000);
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        harness.setProcessingTime(1_000 + TIMEOUT - 10);
        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged(NS, "s", W0, 0, 0)));
        harness.setProcessingTime(1_000 + TIMEOUT + 10);
        assertEquals(1, tasks().size(), "staged in time: no retry while its checkpoint completes");

        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m", W0, 0)));
        harness.setProcessingTime(1_000 + 20 * TIMEOUT);
        harness.processWatermark(new Watermark(W0 + 10 * WINDOW));
        assertEquals(1, tasks().size());
        assertEquals(0, harness.numKeyedStateEntries() - writersEntries(),
                "only the writer registry, generation counter and status entries remain after the commit");
    }

    /**
     * The writer registry, the window's generation counter and the status entries (namespace, last compaction time,
     * published snapshot) outlive a commit by design. The harness's heap backend counts one entry per state of the
     * key, a map state as one: the writers map, the generation counters, the three status values, and the
     * window-writers map, which its iterator empties without dropping. (Before the file index the commit also
     * emptied the files map through an iterator, which left one more entry; it now removes each file by key, which
     * drops the map once empty.)
     */
    private static int writersEntries() {
        return 1 + 1 + 3 + 1;
    }

    @Test
    void removedPendingFileLeavesTheWindow() throws Exception {
        fillWindowWithThreeWriters();
        BucketEvent extra = file("w1", 1, W0 + 4_000);
        send(extra);
        harness.processElement(new StreamRecord<>(BucketEvent.fileRemoved(NS, extra.key, extra.fileTimeMillis)));
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertEquals(1, tasks().size());
        assertEquals(3, tasks().get(0).files.size());
        assertTrue(!keys(tasks().get(0)).contains(extra.key));
    }

    @Test
    void stateSurvivesSnapshotAndRestore() throws Exception {
        fillWindowWithThreeWriters();
        harness.processWatermark(new Watermark(W0 + WINDOW - 1));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness(RULES, bucket);
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        assertEquals(1, tasks().size());
        assertEquals(3, tasks().get(0).files.size());
    }

    /**
     * Merges rolled back by a restore: after the checkpoint, generations 1 to 3 were opened and merged (generation 3
     * crashed before its marker), then the job failed. In the restored state their files joined generations 0 and 1;
     * nothing refers to the staging of generations 2 and 3, and the window's next commit removes it. Generation 1,
     * opened by the restored state too, keeps its staging (the stray attempt's and its own) for its own commit.
     */
    @Test
    void stagingOfGenerationsARestoreRolledBackIsRemovedWhenTheWindowCommits() throws Exception {
        send(file("w1", 0, W0 + 1_000));
        OperatorSubtaskState checkpoint = harness.snapshot(1L, 1L);
        BucketLayout layout = BucketLayout.defaults();
        List<String> stray = List.of(layout.stagingPartKey(NS, W0, 2, 0, 0), layout.stagingPartKey(NS, W0, 2, 0, 1),
                layout.progressMarkerKey(NS, W0, 2, 0), layout.stagedMarkerKey(NS, W0, 2, 0),
                layout.stagingPartKey(NS, W0, 3, 0, 0));
        List<String> generation1 = List.of(layout.stagingPartKey(NS, W0, 1, 0, 0), layout.stagedMarkerKey(NS, W0, 1, 0));
        try (LocalObjectStore store = new LocalObjectStore(bucket)) {
            for (String key : Stream.concat(stray.stream(), generation1.stream()).toList()) {
                store.write(key, "staged".getBytes(StandardCharsets.UTF_8));
            }
            harness.close();

            harness = newHarness(RULES, bucket);
            harness.initializeState(checkpoint);
            harness.open();
            send(file("w2", 0, W0 + 2_000));
            send(file("w3", 0, W0 + 3_000));
            harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
            send(file("w1", 1, W0 + 4_000)); // late: opens generation 1 in the restored state
            assertEquals(List.of(0), tasks().stream().map(t -> t.generation).toList());

            harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0)));

            assertEquals(generation1.stream().sorted().toList(), store.list(layout.stagingWindowPrefix(NS, W0))
                    .stream().map(o -> o.key()).sorted().toList(), "only generation 1's staging stays");
        }
    }

    /**
     * A tracker without state for a window (a fresh start whose events no longer hold the old manifests) learns the
     * committed generations from the bucket's manifests, so new files never reuse a committed output name.
     */
    @Test
    void aWindowWithoutStateContinuesAfterTheGenerationsItsManifestsRecord() throws Exception {
        BucketLayout layout = BucketLayout.defaults();
        try (LocalObjectStore store = new LocalObjectStore(bucket)) {
            store.write(layout.manifestKey(NS, W0, 0), "{}".getBytes(StandardCharsets.UTF_8));
            store.write(layout.manifestKey(NS, W0, 2), "{}".getBytes(StandardCharsets.UTF_8));
            store.write(layout.manifestKey(NS, W0, 2) + ".bak", "{}".getBytes(StandardCharsets.UTF_8));
            store.write(layout.manifestKey("other", W0 + WINDOW, 7), "{}".getBytes(StandardCharsets.UTF_8));
        }
        fillWindowWithThreeWriters();
        for (String writer : List.of("w1", "w2", "w3")) { // the next window: no manifest, generation 0
            send(file(writer, 1, W0 + WINDOW + 1_000));
        }
        harness.processWatermark(new Watermark(W0 + 2 * WINDOW + MAX_WAIT));

        List<CompactionTask> out = tasks();
        assertEquals(2, out.size(), out::toString);
        assertEquals(W0, out.get(0).windowStart);
        assertEquals(3, out.get(0).generation, "after the newest committed generation, 2");
        assertEquals(W0 + WINDOW, out.get(1).windowStart);
        assertEquals(0, out.get(1).generation);
    }

    /**
     * The status is rebuilt once per status interval for all the events of a key in it, not after every event: a
     * hot namespace's events would otherwise each read all of its state and serialise a snapshot.
     */
    @Test
    void manyEventsOfAKeyPublishOneStatusWithinTheStatusInterval() throws Exception {
        harness.setProcessingTime(1_000);
        for (int i = 0; i < 100; i++) {
            send(file("w" + (i % 3), i, W0 + 1_000 + i));
        }
        assertTrue(harness.getSideOutput(WindowTracker.STATUS) == null
                || harness.getSideOutput(WindowTracker.STATUS).isEmpty(), "nothing before the interval passed");

        harness.setProcessingTime(1_000 + WindowTracker.STATUS_INTERVAL_MS);
        List<StreamRecord<StatusUpdate>> updates = new ArrayList<>(harness.getSideOutput(WindowTracker.STATUS));
        assertEquals(1, updates.size());
        NamespaceSnapshot status = StatusJson.readSnapshot(updates.get(0).getValue().snapshotJson);
        assertEquals(100, status.windows().get(0).fileCount());

        send(file("w1", 100, W0 + 2_000));
        harness.setProcessingTime(1_000 + 2 * WindowTracker.STATUS_INTERVAL_MS);
        assertEquals(2, harness.getSideOutput(WindowTracker.STATUS).size(), "a later event publishes again");
    }

    /**
     * Files of a window that is still open register no timer of their own: its end check decides then. Once its wait
     * has passed, a file registers its arrival check, once per second of arrival.
     */
    @Test
    void filesRegisterTheirArrivalCheckOnlyOnceTheWindowsWaitPassedAndOncePerSecond() throws Exception {
        send(file("w1", 0, W0 + 1_100));
        int timers = harness.numEventTimeTimers();
        for (int i = 1; i < 50; i++) {
            send(file("w1", i, W0 + 1_100 + i * 1_000L));
        }
        assertEquals(timers, harness.numEventTimeTimers(), "no timer per file of an open window");

        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT + 100)); // w2 and w3 have no file: waits
        int afterEnd = harness.numEventTimeTimers();
        for (int i = 50; i < 60; i++) { // late files of the same window, all arriving at the watermark
            send(file("w1", i, W0 + 30_000 + i));
        }
        assertEquals(afterEnd + 2, harness.numEventTimeTimers(),
                "late files in one second: one re-check at the next second and one arrival check");
    }

    /**
     * A job restored from a savepoint knows no watermark until the first one arrives: a check time recorded before
     * may have fired already, so a file arriving then registers it again (SavepointRescaleIT's missing-files case).
     */
    @Test
    void aFileArrivingBeforeTheFirstWatermarkAfterARestoreStillGetsItsWindowChecked() throws Exception {
        send(file("w1", 0, W0 + 1_000));
        send(file("w2", 0, W0 + 2_000));
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT + 5_000)); // checked: two files, too few
        assertTrue(tasks().isEmpty());
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness(RULES, bucket);
        harness.initializeState(snapshot);
        harness.open();
        send(file("w3", 0, W0 + 3_000)); // no watermark yet in the restored job
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT + 6_000));
        assertEquals(1, tasks().size(), "the third file made the window ready");
        assertEquals(3, tasks().get(0).files.size());
    }
}
