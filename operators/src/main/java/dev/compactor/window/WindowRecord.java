package dev.compactor.window;

/**
 * What WindowTracker keeps for one generation of one window (its files are kept one entry per file
 * elsewhere, so adding a file never rewrites a list). A Flink POJO: it is keyed state.
 */
public class WindowRecord {
    public long windowStart;
    public long windowEnd;
    public int generation;
    public WindowState state = WindowState.PENDING;
    /**
     * Set once the file set was sent to a merge: from then on new files of the window form the next generation,
     * even while this one is pending again after a timeout, so a retry merges exactly the same files.
     */
    public boolean frozen;
    public int fileCount;
    public long totalSize;
    /** Event time at which the newest file of this generation arrived. */
    public long lastArrival;
    /** How many times the file set was sent to the merge. */
    public int attempts;
    /** Wall-clock time of the latest dispatch, 0 before the first. */
    public long startedAt;
    /** Wall-clock time the latest attempt's parts were all staged, 0 before. */
    public long stagedAt;
    public String lastError;

    public WindowRecord() {}

    public static WindowRecord open(long windowStart, long windowEnd, int generation) {
        WindowRecord r = new WindowRecord();
        r.windowStart = windowStart;
        r.windowEnd = windowEnd;
        r.generation = generation;
        return r;
    }

    /** True while files may still join this generation. */
    public boolean acceptsFiles() {
        return state == WindowState.PENDING && !frozen;
    }

    public void addFile(long size, long arrival) {
        fileCount++;
        totalSize += size;
        lastArrival = fileCount == 1 ? arrival : Math.max(lastArrival, arrival);
    }

    public void removeFile(long size) {
        fileCount--;
        totalSize -= size;
    }

    public void dispatched(long wallClockNow) {
        state = WindowState.PROCESSING;
        frozen = true;
        startedAt = wallClockNow;
        attempts++;
    }

    /** The runbook's automatic recovery: back to pending, same files, same names. */
    public void timedOut(String reason) {
        state = WindowState.PENDING;
        lastError = reason;
    }

    /** Staging of the latest attempt: later markers of earlier attempts are stale. */
    public boolean isLatestAttempt(int attempt) {
        return attempt == attempts - 1;
    }

    public void staged(long wallClockNow) {
        state = WindowState.DISPATCHED;
        stagedAt = wallClockNow;
    }

    /**
     * No progress for the timeout: still merging, or staged but never committed (its committable was dropped
     * because a staged part was lost, or the merge result was discarded after an async timeout).
     */
    public boolean isStuck(long wallClockNow, long processingTimeoutMs) {
        return switch (state) {
            case PROCESSING -> wallClockNow - startedAt >= processingTimeoutMs;
            case DISPATCHED -> wallClockNow - stagedAt >= processingTimeoutMs;
            case PENDING -> false;
        };
    }

    @Override
    public String toString() {
        return "window " + windowStart + " g" + generation + " " + state.runbookName() + " (" + fileCount + " files)";
    }
}
