package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.List;
import java.util.Objects;

/**
 * A run of object events, in the order they must be emitted, handed from the enumerator to the reader. Splits are
 * numbered in the order the enumerator cut them, so splits returned after a failure go back in the right place.
 */
public final class EventBatchSplit implements SourceSplit {

    private final long sequence;
    private final List<ObjectEvent> events;

    public EventBatchSplit(long sequence, List<ObjectEvent> events) {
        if (sequence < 0) {
            throw new IllegalArgumentException("split sequence must be >= 0, was " + sequence);
        }
        this.sequence = sequence;
        this.events = List.copyOf(Objects.requireNonNull(events, "events"));
    }

    public long sequence() {
        return sequence;
    }

    public List<ObjectEvent> events() {
        return events;
    }

    /** The same split without its first {@code consumed} events: what a reader still owes after emitting them. */
    EventBatchSplit remainingAfter(int consumed) {
        return new EventBatchSplit(sequence, events.subList(consumed, events.size()));
    }

    @Override
    public String splitId() {
        return "events-" + sequence;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventBatchSplit s && s.sequence == sequence && s.events.equals(events);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, events);
    }

    @Override
    public String toString() {
        return splitId() + "(" + events.size() + " events)";
    }
}
