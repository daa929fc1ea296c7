package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Lists the watched prefixes every poll interval, diffs each listing with the previous one and hands the resulting
 * events to reader 0 in order, one split at a time and only when that reader asks. The listing runs on the
 * coordinator's worker thread; everything else, including all state, stays on the coordinator thread.
 *
 * <p>A single reader receives every event, because events of one key (created, then deleted) must not overtake each
 * other on different subtasks; at higher parallelism the other readers are told at once that no splits will come,
 * so they finish instead of holding back watermarks.
 */
final class BucketWatchEnumerator implements SplitEnumerator<EventBatchSplit, BucketWatchCheckpoint> {

    private static final Logger LOG = LoggerFactory.getLogger(BucketWatchEnumerator.class);

    static final int EVENTS_READER = 0;
    /** Keeps a split (about 100 bytes per event) far below the RPC frame size, even on the first listing. */
    static final int MAX_EVENTS_PER_SPLIT = 10_000;

    private final SplitEnumeratorContext<EventBatchSplit> context;
    private final ObjectStoreFactory storeFactory;
    private final long pollIntervalMillis;
    private final LongSupplier clock;
    private final BucketListingDiff diff;
    private final ArrayDeque<ObjectEvent> pending;
    private long nextSplitSequence;
    private boolean readerAsked;
    /** Opened lazily on the worker thread, so a bucket that is briefly unreachable only delays a poll. */
    private ObjectStore store;

    BucketWatchEnumerator(SplitEnumeratorContext<EventBatchSplit> context, ObjectStoreFactory storeFactory,
                          List<String> prefixes, long pollIntervalMillis, LongSupplier clock,
                          BucketWatchCheckpoint restored) {
        this.context = context;
        this.storeFactory = storeFactory;
        this.pollIntervalMillis = pollIntervalMillis;
        this.clock = clock;
        this.diff = new BucketListingDiff(prefixes, restored.known());
        this.pending = new ArrayDeque<>(restored.pending());
        this.nextSplitSequence = restored.nextSplitSequence();
    }

    @Override
    public void start() {
        context.callAsync(this::listPrefixes, this::onListing, 0, pollIntervalMillis);
    }

    /** Runs on the worker thread. */
    private List<ObjectInfo> listPrefixes() throws IOException {
        if (store == null) {
            store = storeFactory.open();
        }
        List<ObjectInfo> listing = new ArrayList<>();
        for (String prefix : diff.prefixes()) {
            // Compacted outputs need no action: a poll does not walk their partitions where the store can skip them,
            // and remembering them would grow the checkpoint with the bucket.
            for (ObjectInfo object : store.list(prefix, BucketLayout::isOutputPartition)) {
                if (!BucketLayout.isCompactedOutput(object.key())) {
                    listing.add(object);
                }
            }
        }
        return listing;
    }

    private void onListing(List<ObjectInfo> listing, Throwable error) {
        if (error != null) {
            // An incomplete listing would report every object it missed as deleted: skip the poll, keep the state.
            LOG.warn("Listing {} failed; retrying in {} ms", diff.prefixes(), pollIntervalMillis, error);
            return;
        }
        List<ObjectEvent> events = diff.apply(listing, clock.getAsLong());
        if (!events.isEmpty()) {
            LOG.debug("Listing found {} changes under {}", events.size(), diff.prefixes());
            pending.addAll(events);
            assignIfAsked();
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        if (subtaskId == EVENTS_READER) {
            readerAsked = true;
            assignIfAsked();
        }
    }

    @Override
    public void addSplitsBack(List<EventBatchSplit> splits, int subtaskId) {
        // These were handed out after the last completed checkpoint, so they precede everything still pending.
        List<EventBatchSplit> newestFirst = new ArrayList<>(splits);
        newestFirst.sort(Comparator.comparingLong(EventBatchSplit::sequence).reversed());
        for (EventBatchSplit split : newestFirst) {
            List<ObjectEvent> events = split.events();
            for (int i = events.size() - 1; i >= 0; i--) {
                pending.addFirst(events.get(i));
            }
        }
        if (subtaskId == EVENTS_READER) {
            readerAsked = false; // the restarted reader asks again once it is registered
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (subtaskId != EVENTS_READER) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    private void assignIfAsked() {
        if (!readerAsked || pending.isEmpty() || !context.registeredReaders().containsKey(EVENTS_READER)) {
            return;
        }
        List<ObjectEvent> batch = new ArrayList<>(Math.min(pending.size(), MAX_EVENTS_PER_SPLIT));
        while (!pending.isEmpty() && batch.size() < MAX_EVENTS_PER_SPLIT) {
            batch.add(pending.poll());
        }
        readerAsked = false;
        context.assignSplit(new EventBatchSplit(nextSplitSequence++, batch), EVENTS_READER);
    }

    @Override
    public BucketWatchCheckpoint snapshotState(long checkpointId) {
        return new BucketWatchCheckpoint(diff.known(), List.copyOf(pending), nextSplitSequence);
    }

    @Override
    public void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }
}
