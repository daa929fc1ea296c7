package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.ObjectStoreFactory;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Watches a bucket by listing it: an unbounded, checkpointed source of {@link ObjectEvent}s for the local mode, where
 * no notification stream exists. Objects that appear or change become CREATED events (event time: last modified),
 * objects that vanish become DELETED events. The objects seen and the events not yet emitted are checkpointed, so a
 * restart neither re-emits nor misses an object; a fresh start reports every existing object once.
 *
 * <p>Events of one listing are emitted in key order, creations before deletions. All events flow through subtask 0;
 * further subtasks finish at once.
 */
public final class BucketWatchSource implements Source<ObjectEvent, EventBatchSplit, BucketWatchCheckpoint> {
    private static final long serialVersionUID = 1L;

    private final ObjectStoreFactory storeFactory;
    private final List<String> prefixes;
    private final long pollIntervalMillis;

    /**
     * @param storeFactory opens the bucket in the JobManager
     * @param prefixes     key prefixes to watch, e.g. the data prefix, {@code _manifests/} and {@code _staging/}
     * @param pollInterval time between listings
     */
    public BucketWatchSource(ObjectStoreFactory storeFactory, List<String> prefixes, Duration pollInterval) {
        this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
        Objects.requireNonNull(prefixes, "prefixes");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("at least one prefix to watch is required");
        }
        for (String prefix : prefixes) {
            if (prefix == null) {
                throw new IllegalArgumentException("prefixes must not contain null, were " + prefixes);
            }
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, was " + pollInterval);
        }
        this.prefixes = List.copyOf(prefixes);
        this.pollIntervalMillis = Math.max(1, pollInterval.toMillis());
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<ObjectEvent, EventBatchSplit> createReader(SourceReaderContext readerContext) {
        return new BucketWatchReader(readerContext);
    }

    @Override
    public SplitEnumerator<EventBatchSplit, BucketWatchCheckpoint> createEnumerator(
            SplitEnumeratorContext<EventBatchSplit> context) {
        return restoreEnumerator(context, BucketWatchCheckpoint.empty());
    }

    @Override
    public SplitEnumerator<EventBatchSplit, BucketWatchCheckpoint> restoreEnumerator(
            SplitEnumeratorContext<EventBatchSplit> context, BucketWatchCheckpoint checkpoint) {
        return new BucketWatchEnumerator(context, storeFactory, prefixes, pollIntervalMillis,
                System::currentTimeMillis, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<EventBatchSplit> getSplitSerializer() {
        return new EventBatchSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<BucketWatchCheckpoint> getEnumeratorCheckpointSerializer() {
        return new BucketWatchCheckpointSerializer();
    }
}
