package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.events.ControlCommand;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.StatusJson;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.window.BackpressureRule;
import dev.compactor.window.RetryPolicy;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRules;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Control commands applied by WindowTracker, and the status snapshots it publishes after them. */
class ControlCommandsTest {

    private static final long WINDOW = 60_000;
    private static final long MAX_WAIT = 10_000;
    private static final long TIMEOUT = 30_000;
    private static final long W0 = 1_700_000_040_000L;
    private static final String NS = "users";
    /** One attempt only: the first timeout marks the window failed. */
    private static final SchedulingRules RULES = new SchedulingRules(
            new WindowRules(WINDOW, MAX_WAIT, 3, 120_000, TIMEOUT, 600_000), WindowTrackerTest.PRIORITIES,
            BackpressureRule.runbookDefaults(), new RetryPolicy(1, 0, 0));

    @TempDir
    Path bucket;
    private KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness;

    @BeforeEach
    void open() throws Exception {
        open(0);
    }

    /** A tracker over this test's bucket whose commits keep their sources for {@code sourceRetentionMs}. */
    private void open(long sourceRetentionMs) throws Exception {
        String root = bucket.toString();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowTracker(RULES,
                () -> new LocalObjectStore(Path.of(root)), BucketLayout.defaults(), sourceRetentionMs)),
                e -> e.namespace, Types.STRING);
        harness.open();
        harness.setProcessingTime(1_000);
        for (String writer : List.of("w1", "w2", "w3")) {
            String key = "data/" + NS + "/" + (W0 / 1000 + 1) + "-" + writer + "-0.parquet";
            BucketEvent e = BucketEvent.fileAdded(NS, key, 100, "etag", writer, 0, W0 + 1_000);
            harness.processElement(new StreamRecord<>(e, e.fileTimeMillis));
        }
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private String send(ControlCommand command) throws Exception {
        BucketEvent e = BucketEvent.control(NS, command.objectKey(NS), command);
        harness.processElement(new StreamRecord<>(e, W0));
        return command.id();
    }

    /** The status as published once the key's status interval has passed (it coalesces the events before). */
    private NamespaceSnapshot latestStatus() throws Exception {
        harness.setProcessingTime(harness.getProcessingTime() + WindowTracker.STATUS_INTERVAL_MS);
        List<StreamRecord<StatusUpdate>> updates = new ArrayList<>(harness.getSideOutput(WindowTracker.STATUS));
        return StatusJson.readSnapshot(updates.get(updates.size() - 1).getValue().snapshotJson);
    }

    @Test
    void rollbackOfAFailedWindowDispatchesItAgainAtOnce() throws Exception {
        harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
        harness.setProcessingTime(1_000 + 2 * TIMEOUT); // no marker of the merge for twice the timeout
        assertEquals(1, harness.extractOutputValues().size());
        assertEquals("failed", latestStatus().windows().get(0).state());

        String id = send(ControlCommand.rollback(ControlCommand.newId(5_000), W0));

        List<CompactionTask> tasks = harness.extractOutputValues();
        assertEquals(2, tasks.size(), "the rolled-back window is dispatched again");
        assertEquals(1, tasks.get(1).attempt);
        assertEquals(tasks.get(0).generation, tasks.get(1).generation);
        NamespaceSnapshot status = latestStatus();
        assertEquals("processing", status.windows().get(0).state());
        assertEquals(id, status.lastCommand());
    }

    @Test
    void rollbackOfAPendingWindowChangesNothing() throws Exception {
        send(ControlCommand.rollback(ControlCommand.newId(5_000), W0));
        assertEquals("pending", latestStatus().windows().get(0).state());
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void priorityCommandOverridesTheConfiguredWait() throws Exception {
        String id = send(ControlCommand.setPriority(ControlCommand.newId(5_000), 0));
        NamespaceSnapshot status = latestStatus();
        assertEquals(0, status.priority());
        assertTrue(status.priorityOverridden());
        assertEquals(1_000, status.effectiveMaxWaitTimeMs());
        assertEquals(id, status.lastCommand());

        // priority 0 waits 1 s after the window's end instead of the default priority's 10 s
        harness.processWatermark(new Watermark(W0 + WINDOW + 1_000));
        assertEquals(1, harness.extractOutputValues().size());
    }

    /**
     * The watcher lists {@code _control/} again after a restore (from a checkpoint, or from a savepoint bootstrapped
     * from the bucket), and Kinesis replays its records: every command object is delivered again, in order.
     */
    @Test
    void aCommandDeliveredAgainAfterARestoreIsNotAppliedTwice() throws Exception {
        ControlCommand priority = ControlCommand.setPriority(ControlCommand.newId(5_000), 0);
        send(priority);
        String reset = send(ControlCommand.of(ControlCommand.newId(6_000), ControlCommand.Kind.RESET));
        OperatorSubtaskState snapshot = harness.snapshot(1, 2_000);
        harness.close();
        harness = WindowTrackerTest.newHarness(RULES, bucket);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(3_000);

        send(priority);

        NamespaceSnapshot status = latestStatus();
        assertEquals(2, status.priority(), "the replayed priority command stays undone by the reset after it");
        assertFalse(status.priorityOverridden());
        assertEquals(reset, status.lastCommand());
    }

    @Test
    void aCommandOlderThanTheRetentionIsIgnoredAsStale() throws Exception {
        harness.setProcessingTime(5_000 + WindowTracker.COMMAND_RETENTION.toMillis() + 1);

        send(ControlCommand.setPriority(ControlCommand.newId(5_000), 0));

        NamespaceSnapshot status = latestStatus();
        assertEquals(2, status.priority(), "a fresh start listing an old command object does not apply it");
        assertFalse(status.priorityOverridden());
    }

    @Test
    void resetForgetsWindowsWritersAndOverrides() throws Exception {
        send(ControlCommand.setPriority(ControlCommand.newId(5_000), 0));
        String id = send(ControlCommand.of(ControlCommand.newId(6_000), ControlCommand.Kind.RESET));

        NamespaceSnapshot status = latestStatus();
        assertTrue(status.windows().isEmpty());
        assertTrue(status.knownWriters().isEmpty());
        assertEquals(2, status.priority(), "the configured priority again");
        assertEquals(id, status.lastCommand());
        harness.processWatermark(new Watermark(W0 + 10 * WINDOW));
        assertTrue(harness.extractOutputValues().isEmpty());
    }

    @Test
    void quarantinedFilesAreCountedOnceAndForgottenByAReset() throws Exception {
        String key = "_quarantine/" + NS + "/" + (W0 / 1000 + 1) + "-w1-0.parquet.reason.json";
        for (int i = 0; i < 2; i++) {
            harness.processElement(new StreamRecord<>(BucketEvent.fileQuarantined(NS, key, W0 + 1_000), W0));
        }
        assertEquals(1, latestStatus().quarantinedFiles(), "a rewritten reason is the same file");
        send(ControlCommand.of(ControlCommand.newId(6_000), ControlCommand.Kind.RESET));
        assertEquals(0, latestStatus().quarantinedFiles());
    }

    @Test
    void cleanupForgetsInactiveWriters() throws Exception {
        harness.processWatermark(new Watermark(W0 + 1_000 + 120_000));
        send(ControlCommand.of(ControlCommand.newId(5_000), ControlCommand.Kind.CLEANUP));
        assertTrue(latestStatus().knownWriters().isEmpty());
    }

    private void committed(int generation) throws Exception {
        BucketEvent e = BucketEvent.windowCommitted(NS, "_manifests/" + NS + "/" + W0 + "-g" + generation + ".json",
                W0, generation);
        harness.processElement(new StreamRecord<>(e, W0));
    }

    @Test
    void triggerDispatchesAWindowThatIsNotReadyOnceEvenWhenDeliveredAgain() throws Exception {
        assertTrue(harness.extractOutputValues().isEmpty(), "the window waits for its end and wait");
        ControlCommand trigger = ControlCommand.trigger(ControlCommand.newId(5_000), W0);
        send(trigger);
        List<CompactionTask> tasks = harness.extractOutputValues();
        assertEquals(1, tasks.size(), "dispatched whatever its readiness");
        assertEquals(3, tasks.get(0).files.size());
        assertEquals("processing", latestStatus().windows().get(0).state());

        send(ControlCommand.trigger(ControlCommand.newId(5_500), W0));
        assertEquals(1, harness.extractOutputValues().size(), "a window already processing is not dispatched twice");
        committed(0);
        send(trigger);
        assertEquals(1, harness.extractOutputValues().size(), "a replayed trigger is not applied again");
        assertTrue(latestStatus().windows().isEmpty());
    }

    @Test
    void uncompactHoldsTheWindowUntilATrigger() throws Exception {
        String hold = send(ControlCommand.uncompact(ControlCommand.newId(5_000), W0));
        NamespaceSnapshot status = latestStatus();
        assertEquals(List.of(W0), status.heldWindows());
        assertTrue(status.windows().get(0).held());
        assertEquals(hold, status.lastCommand());

        harness.processWatermark(new Watermark(W0 + 10 * WINDOW));
        send(ControlCommand.of(ControlCommand.newId(5_500), ControlCommand.Kind.TRIGGER_CHECK));
        assertTrue(harness.extractOutputValues().isEmpty(), "a held window is ready but not dispatched");

        send(ControlCommand.trigger(ControlCommand.newId(6_000), W0));
        assertEquals(1, harness.extractOutputValues().size());
        assertTrue(latestStatus().heldWindows().isEmpty());
        assertFalse(latestStatus().windows().get(0).held());
    }

    @Test
    void aHoldSurvivesARestoreFromACheckpoint() throws Exception {
        send(ControlCommand.uncompact(ControlCommand.newId(5_000), W0));
        OperatorSubtaskState snapshot = harness.snapshot(1, 2_000);
        harness.close();
        harness = WindowTrackerTest.newHarness(RULES, bucket);
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(new Watermark(W0 + 10 * WINDOW));
        assertTrue(harness.extractOutputValues().isEmpty(), "still held after the restore");
        assertEquals(List.of(W0), latestStatus().heldWindows());
    }

    @Test
    void rollbackWithOverridesShowsThemUntilTheWindowCommits() throws Exception {
        String spec = "mem=536870912~sort=off~engine=reference";
        send(ControlCommand.rollback(ControlCommand.newId(5_000), W0, spec));
        assertEquals(spec, latestStatus().windows().get(0).overrides());
        assertTrue(harness.extractOutputValues().isEmpty(), "rolling a pending window back dispatches nothing");

        send(ControlCommand.trigger(ControlCommand.newId(6_000), W0));
        assertEquals(spec, latestStatus().windows().get(0).overrides(), "kept while the window merges");
        committed(0);
        String late = "data/" + NS + "/" + (W0 / 1000 + 2) + "-w1-1.parquet";
        BucketEvent e = BucketEvent.fileAdded(NS, late, 100, "etag", "w1", 1, W0 + 2_000);
        harness.processElement(new StreamRecord<>(e, e.fileTimeMillis));
        assertEquals(1, latestStatus().windows().get(0).generation());
        assertEquals(null, latestStatus().windows().get(0).overrides(), "the next generation merges as configured");
    }

    @Test
    void retainedSourcesCountUntilTheRetentionPassesOrAnUncompact() throws Exception {
        harness.close();
        open(60_000);
        send(ControlCommand.trigger(ControlCommand.newId(5_000), W0));
        committed(0);
        assertEquals(300, latestStatus().retainedSourceBytes(), "three sources of 100 bytes kept");
        harness.setProcessingTime(1_000 + 60_000);
        assertEquals(0, latestStatus().retainedSourceBytes(), "the commit removes them once the retention passed");

        harness.close();
        open(60_000);
        send(ControlCommand.trigger(ControlCommand.newId(5_000), W0));
        committed(0);
        send(ControlCommand.uncompact(ControlCommand.newId(6_000), W0));
        assertEquals(0, latestStatus().retainedSourceBytes(), "an uncompact puts them back in data/");
    }
}
