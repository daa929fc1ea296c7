package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Emits the events of its splits in order, each with its event time as the record timestamp, and asks the
 * enumerator for the next split when it has none left. Its checkpoint is what it has not emitted yet. All methods
 * run on the task's mailbox thread, so no synchronisation is needed.
 */
final class BucketWatchReader implements SourceReader<ObjectEvent, EventBatchSplit> {

    private final SourceReaderContext context;
    private final ArrayDeque<EventBatchSplit> splits = new ArrayDeque<>();
    /** Events of the head split already emitted. */
    private int emittedOfHead;
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    BucketWatchReader(SourceReaderContext context) {
        this.context = context;
    }

    @Override
    public void start() {
        if (splits.isEmpty()) {
            context.sendSplitRequest();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ObjectEvent> output) {
        EventBatchSplit head = splits.peek();
        if (head != null) {
            ObjectEvent event = head.events().get(emittedOfHead++);
            output.collect(event, event.eventTimeMillis);
            if (emittedOfHead == head.events().size()) {
                splits.poll();
                emittedOfHead = 0;
                if (splits.isEmpty() && !noMoreSplits) {
                    context.sendSplitRequest();
                }
            }
        }
        if (!splits.isEmpty()) {
            return InputStatus.MORE_AVAILABLE;
        }
        return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (!splits.isEmpty() || noMoreSplits) {
            return CompletableFuture.completedFuture(null);
        }
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return available;
    }

    @Override
    public void addSplits(List<EventBatchSplit> newSplits) {
        for (EventBatchSplit split : newSplits) {
            if (!split.events().isEmpty()) {
                splits.add(split);
            }
        }
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public List<EventBatchSplit> snapshotState(long checkpointId) {
        List<EventBatchSplit> unemitted = new ArrayList<>(splits.size());
        for (EventBatchSplit split : splits) {
            unemitted.add(unemitted.isEmpty() ? split.remainingAfter(emittedOfHead) : split);
        }
        return unemitted;
    }

    @Override
    public void close() {}
}
