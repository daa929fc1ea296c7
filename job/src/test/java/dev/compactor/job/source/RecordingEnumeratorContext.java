package dev.compactor.job.source;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * An enumerator context that records assignments and runs the periodic call only when the test says so, as if one
 * poll interval had passed: enumerator tests run synchronously on the test thread.
 */
final class RecordingEnumeratorContext implements SplitEnumeratorContext<EventBatchSplit> {

    final List<EventBatchSplit> assigned = new ArrayList<>();
    final List<Integer> noMoreSplits = new ArrayList<>();
    private final Map<Integer, ReaderInfo> readers = new HashMap<>();
    private Runnable poll;

    void registerReader(int subtask) {
        readers.put(subtask, new ReaderInfo(subtask, "localhost"));
    }

    void unregisterReader(int subtask) {
        readers.remove(subtask);
    }

    /** Runs the enumerator's periodic listing and hands its result (or failure) to its handler. */
    void pollOnce() {
        poll.run();
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
        poll = () -> {
            T result;
            try {
                result = callable.call();
            } catch (Exception e) {
                handler.accept(null, e);
                return;
            }
            handler.accept(result, null);
        };
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
        throw new UnsupportedOperationException("the enumerator only polls periodically");
    }

    @Override
    public void assignSplits(SplitsAssignment<EventBatchSplit> assignment) {
        assignment.assignment().forEach((subtask, splits) -> {
            if (!readers.containsKey(subtask)) {
                throw new IllegalStateException("split assigned to unregistered reader " + subtask);
            }
            assigned.addAll(splits);
        });
    }

    @Override
    public void signalNoMoreSplits(int subtask) {
        noMoreSplits.add(subtask);
    }

    @Override
    public Map<Integer, ReaderInfo> registeredReaders() {
        return Map.copyOf(readers);
    }

    @Override
    public int currentParallelism() {
        return 2;
    }

    @Override
    public SplitEnumeratorMetricGroup metricGroup() {
        throw new UnsupportedOperationException("the enumerator reports no metrics");
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
        throw new UnsupportedOperationException("the enumerator sends no source events");
    }

    @Override
    public void runInCoordinatorThread(Runnable runnable) {
        runnable.run();
    }
}
