package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.CommitterOperatorFactory;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink inside Flink's own writer and committer operators: commit on checkpoint completion, and after restore. */
class ParquetCommitSinkHarnessTest {

    @TempDir
    Path bucket;

    private StagedWindowFixture fixture;
    private ParquetCommitSink sink;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StagedWindowFixture(new LocalObjectStore(bucket));
        String root = bucket.toString();
        ObjectStoreFactory storeFactory = () -> new LocalObjectStore(Path.of(root));
        // Cloned through Java serialisation, as the sink travels from the client to the task managers.
        sink = InstantiationUtil.clone(new ParquetCommitSink(storeFactory, BucketLayout.defaults()));
    }

    /** Runs the writer up to the barrier of {@code checkpointId} and returns what it sends the committer. */
    private List<CommittableMessage<StagedWindow>> writeUntilBarrier(long checkpointId, StagedWindow... windows)
            throws Exception {
        try (OneInputStreamOperatorTestHarness<StagedWindow, CommittableMessage<StagedWindow>> writer =
                     new OneInputStreamOperatorTestHarness<>(new SinkWriterOperatorFactory<>(sink))) {
            writer.open();
            for (StagedWindow window : windows) {
                writer.processElement(new StreamRecord<>(window));
            }
            writer.prepareSnapshotPreBarrier(checkpointId);
            return writer.extractOutputValues();
        }
    }

    private OneInputStreamOperatorTestHarness<CommittableMessage<StagedWindow>, CommittableMessage<StagedWindow>>
            committer() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new CommitterOperatorFactory<>(sink, false, true));
    }

    @Test
    void commitsOnlyWhenTheCheckpointCompletes() throws Exception {
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow g0 = fixture.stage(0, 0, inputs, 1);
        StagedWindow g1 = fixture.stage(1, 0, fixture.writeSources(1), 1);
        List<CommittableMessage<StagedWindow>> messages = writeUntilBarrier(1L, g0, g1);

        try (var committer = committer()) {
            committer.open();
            for (CommittableMessage<StagedWindow> message : messages) {
                committer.processElement(new StreamRecord<>(message));
            }
            committer.snapshot(1L, 1L);
            assertFalse(fixture.exists(fixture.manifestKey(0)), "nothing is visible before the checkpoint completes");

            committer.notifyOfCompletedCheckpoint(1L);
        }

        assertTrue(fixture.exists(fixture.manifestKey(0)));
        assertTrue(fixture.exists(fixture.manifestKey(1)));
        assertTrue(fixture.exists(g0.parts.get(0).finalKey));
        assertFalse(fixture.exists(inputs.get(0).key));
        assertEquals(List.of(), fixture.store.list("_staging/"));
    }

    @Test
    void committablesOfARestoredCheckpointAreCommittedOnRestore() throws Exception {
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);
        // The harness restores with checkpoint 0 as the last completed one, so the restored batch must be 0.
        List<CommittableMessage<StagedWindow>> messages = writeUntilBarrier(0L, window);

        OperatorSubtaskState checkpoint;
        try (var beforeCrash = committer()) {
            beforeCrash.open();
            for (CommittableMessage<StagedWindow> message : messages) {
                beforeCrash.processElement(new StreamRecord<>(message));
            }
            checkpoint = beforeCrash.snapshot(0L, 1L);
        }
        assertFalse(fixture.exists(fixture.manifestKey(0)));

        try (var restored = committer()) {
            restored.initializeState(checkpoint);
            restored.open();
        }

        assertTrue(fixture.exists(fixture.manifestKey(0)));
        for (StagedWindow.Part part : window.parts) {
            assertTrue(fixture.exists(part.finalKey), part.finalKey);
        }
        assertFalse(fixture.exists(inputs.get(0).key));
    }

    @Test
    void refusesMissingCollaborators() {
        assertThrows(NullPointerException.class, () -> new ParquetCommitSink(null, BucketLayout.defaults()));
        assertThrows(NullPointerException.class,
                () -> new ParquetCommitSink(() -> new LocalObjectStore(bucket), null));
    }
}
