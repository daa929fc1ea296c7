package dev.compactor.operator;

import dev.compactor.store.ProgressStore;

import java.util.Set;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tells a slow merge from a stuck one by the bytes it moves, not by how long it has run: a merge is given up only
 * when its store moved no byte and answered no call for the stall timeout (compaction.processing-timeout), however
 * long it has been running. Each {@link #check()} round reports the merges that moved since the last round
 * (AsyncMerge turns that into the attempt's progress marker, which keeps WindowTracker from retrying the window)
 * and cancels the ones that stalled. Plain Java with an injected clock, so the rule tests without waiting.
 */
public final class MergeWatchdog {

    /** What the watchdog does with one merge. */
    public interface Listener {
        /** The store moved bytes or answered calls since the previous round; {@code bytesMoved} in all so far. */
        void progressed(long bytesMoved);

        /** No byte moved for the stall timeout: the merge is given up. */
        void stalled(long silentMs);
    }

    private final long stallTimeoutMs;
    private final LongSupplier clock;
    private final Set<Watched> running = ConcurrentHashMap.newKeySet();

    public MergeWatchdog(long stallTimeoutMs, LongSupplier clock) {
        if (stallTimeoutMs <= 0) {
            throw new IllegalArgumentException("stall timeout must be positive, was " + stallTimeoutMs + " ms");
        }
        this.stallTimeoutMs = stallTimeoutMs;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public long stallTimeoutMs() {
        return stallTimeoutMs;
    }

    /** Watches a merge from now until {@link Watched#close()}; its stall timeout counts from now. */
    public Watched watch(ProgressStore store, Listener listener) {
        Watched w = new Watched(store, listener, clock.getAsLong());
        running.add(w);
        return w;
    }

    /** One round over the running merges. */
    public void check() {
        long now = clock.getAsLong();
        for (Watched w : running) {
            long progress = w.store.progress();
            if (progress != w.lastProgress) {
                w.lastProgress = progress;
                w.lastMovedAt = now;
                w.listener.progressed(w.store.bytesMoved());
            } else if (now - w.lastMovedAt >= stallTimeoutMs) {
                running.remove(w);
                w.listener.stalled(now - w.lastMovedAt);
            }
        }
    }

    /** How many merges are watched. */
    public int watched() {
        return running.size();
    }

    /** One watched merge; closing it ends the watch (the merge finished, failed or was given up). */
    public final class Watched implements AutoCloseable {
        private final ProgressStore store;
        private final Listener listener;
        // Read and written by the checking thread only.
        private long lastProgress;
        private long lastMovedAt;

        private Watched(ProgressStore store, Listener listener, long now) {
            this.store = Objects.requireNonNull(store, "store");
            this.listener = Objects.requireNonNull(listener, "listener");
            this.lastProgress = store.progress();
            this.lastMovedAt = now;
        }

        @Override
        public void close() {
            running.remove(this);
        }
    }
}
