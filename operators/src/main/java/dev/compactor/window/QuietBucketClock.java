package dev.compactor.window;

/**
 * Event time for a bucket: the newest file time seen, less the allowed out-of-orderness, never ahead of the wall
 * clock (a writer with a clock years ahead must not make every window look finished). When no file has arrived for
 * the out-of-orderness span, time follows the wall clock instead, so the last window of a quiet bucket still
 * becomes ready. Monotonic: it never goes back.
 */
public final class QuietBucketClock {

    private final long outOfOrdernessMs;
    private long maxFileTime = Long.MIN_VALUE;
    private long lastFileWallClock = Long.MIN_VALUE;
    private long current = Long.MIN_VALUE;

    public QuietBucketClock(long outOfOrdernessMs) {
        if (outOfOrdernessMs < 0) {
            throw new IllegalArgumentException("out-of-orderness must not be negative, was " + outOfOrdernessMs + " ms");
        }
        this.outOfOrdernessMs = outOfOrdernessMs;
    }

    public void onFile(long fileTimeMillis, long wallClockNow) {
        maxFileTime = Math.max(maxFileTime, fileTimeMillis);
        lastFileWallClock = wallClockNow;
    }

    /** The event time to publish now. */
    public long now(long wallClockNow) {
        long candidate = maxFileTime == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : Math.min(maxFileTime, wallClockNow) - outOfOrdernessMs;
        boolean quiet = lastFileWallClock == Long.MIN_VALUE || wallClockNow - lastFileWallClock >= outOfOrdernessMs;
        if (quiet) {
            candidate = Math.max(candidate, wallClockNow - outOfOrdernessMs);
        }
        current = Math.max(current, candidate);
        return current;
    }
}
