package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The enumerator's state: the objects the last listing held, the events found but not yet handed to a reader, and
 * the sequence number of the next split. Events already handed out live in the reader's state instead.
 */
public record BucketWatchCheckpoint(SortedMap<String, BucketListingDiff.Version> known, List<ObjectEvent> pending,
                                    long nextSplitSequence) {

    public BucketWatchCheckpoint {
        known = new TreeMap<>(Objects.requireNonNull(known, "known"));
        pending = List.copyOf(Objects.requireNonNull(pending, "pending"));
        if (nextSplitSequence < 0) {
            throw new IllegalArgumentException("next split sequence must be >= 0, was " + nextSplitSequence);
        }
    }

    public static BucketWatchCheckpoint empty() {
        return new BucketWatchCheckpoint(new TreeMap<>(Map.of()), List.of(), 0);
    }
}
