package dev.compactor.deadletter;

import dev.compactor.events.Rejection;
import dev.compactor.operator.CompactorMetrics;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;

/**
 * Writes rejected events and malformed notification records as JSON lines under {@code _rejected/} in the
 * bucket, one object per subtask and checkpoint (and more when a checkpoint's worth grows past a bound).
 * At least once: lines are flushed before each checkpoint barrier, so a restore may write some of them again,
 * but never loses one.
 */
public final class DeadLetterSink implements Sink<Rejection> {
    private static final long serialVersionUID = 1L;

    /** A subtask flushes early past this many buffered bytes, so a flood of bad records cannot exhaust the heap. */
    static final int MAX_BUFFERED_BYTES = 8 << 20;

    private final ObjectStoreFactory storeFactory;

    public DeadLetterSink(ObjectStoreFactory storeFactory) {
        this.storeFactory = Objects.requireNonNull(storeFactory, "object store factory must not be null");
    }

    /** Still abstract in Flink 1.20; the runtime calls the {@link WriterInitContext} variant. */
    @Override
    @Deprecated
    public SinkWriter<Rejection> createWriter(InitContext context) {
        return writer(context.getSubtaskId(), context.getAttemptNumber(), context.metricGroup());
    }

    @Override
    public SinkWriter<Rejection> createWriter(WriterInitContext context) {
        return writer(context.getTaskInfo().getIndexOfThisSubtask(), context.getTaskInfo().getAttemptNumber(),
                context.metricGroup());
    }

    private SinkWriter<Rejection> writer(int subtask, int attempt, MetricGroup metrics) {
        try {
            return new DeadLetterWriter(storeFactory.open(), subtask, attempt, MAX_BUFFERED_BYTES, Clock.systemUTC(),
                    metrics.counter(CompactorMetrics.DEAD_LETTERS_WRITTEN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the bucket for dead letters", e);
        }
    }
}
