package dev.compactor.job;

import dev.compactor.events.ObjectEvent;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes the bucket's events through unchanged and fails, on {@link ChaosFaults}'s budget, while a checkpoint is
 * taken (the checkpoint is declined and the job restarts from the one before, after the commit sink may already
 * have prepared its committables for it) or when one completes (the task fails while the commit sink publishes).
 */
final class ChaosCheckpoints implements MapFunction<ObjectEvent, ObjectEvent>, CheckpointedFunction,
        CheckpointListener {

    @Override
    public ObjectEvent map(ObjectEvent event) {
        return event;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        ChaosFaults.maybeFail(ChaosFaults.Site.CHECKPOINT_SNAPSHOT);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        ChaosFaults.maybeFail(ChaosFaults.Site.CHECKPOINT_NOTIFY);
    }
}
