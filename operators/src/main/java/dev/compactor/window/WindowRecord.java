package dev.compactor.window;

/**
 * What WindowTracker keeps for one generation of one window (its files are kept one entry per file elsewhere, so
 * adding a file never rewrites a list). A Flink POJO: it is keyed state.
 *
 * <p>The state machine: pending → processing (dispatch) → dispatched (all parts staged) → deleted (manifest seen);
 * processing or dispatched → pending after a failed or timed-out attempt (with a backoff), or → failed once the
 * attempts are spent; failed → pending only by an operator's rollback. Every change goes through a method here,
 * which refuses a change the machine does not allow.
 */
public class WindowRecord {
    public String namespace;
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
    /** How many of those attempts failed or timed out. */
    public int failedAttempts;
    /** Wall-clock time of the latest dispatch, 0 before the first. */
    public long startedAt;
    /** Wall-clock time the latest attempt's merge was last seen moving bytes (its progress marker), 0 before. */
    public long progressAt;
    /** Wall-clock time the latest attempt's parts were all staged, 0 before. */
    public long stagedAt;
    /** Wall-clock time before which a failed window is not dispatched again (its backoff). */
    public long notBefore;
    public String lastError;
    /**
     * The readiness check times last registered as timers, by their index in ReadinessRule.checkTimes; null before
     * the first. Kept so a file that moves no check time registers no timer.
     */
    public long[] registeredChecks;
    /**
     * Whether this generation's files are listed in WindowTracker's per-generation index (slots
     * {@code 0..fileSlots-1}). False for a generation restored from a savepoint of a build without the index, or
     * written by the state bootstrap: the tracker indexes it on first use.
     */
    public boolean filesIndexed;
    /**
     * Index slots used: every file that joined the generation took the next one. Removed or rewritten files keep
     * theirs (the file entry says where a file belongs), so this is at least {@link #fileCount}.
     */
    public int fileSlots;

    public WindowRecord() {}

    public static WindowRecord open(String namespace, long windowStart, long windowEnd, int generation) {
        WindowRecord r = new WindowRecord();
        r.namespace = namespace;
        r.windowStart = windowStart;
        r.windowEnd = windowEnd;
        r.generation = generation;
        return r;
    }

    /** The next free slot of the generation's file index, taken. */
    public int takeFileSlot() {
        return fileSlots++;
    }

    /** Records check time {@code index} as {@code at}; true when it differs from the one registered before. */
    public boolean checkRegistered(int index, long at) {
        if (registeredChecks == null || registeredChecks.length <= index) {
            long[] grown = new long[index + 1];
            if (registeredChecks != null) {
                System.arraycopy(registeredChecks, 0, grown, 0, registeredChecks.length);
            }
            registeredChecks = grown;
        } else if (registeredChecks[index] == at) {
            return false;
        }
        registeredChecks[index] = at;
        return true;
    }

    /** True while files may still join this generation. */
    public boolean acceptsFiles() {
        return state == WindowState.PENDING && !frozen;
    }

    public boolean isInFlight() {
        return state == WindowState.PROCESSING || state == WindowState.DISPATCHED;
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

    /** A file of this generation was replaced under the same key before the generation was frozen. */
    public void replaceFile(long oldSize, long newSize, long arrival) {
        totalSize += newSize - oldSize;
        lastArrival = Math.max(lastArrival, arrival);
    }

    public void dispatched(long wallClockNow) throws InvalidTransitionException {
        require(state == WindowState.PENDING, "dispatch");
        state = WindowState.PROCESSING;
        frozen = true;
        startedAt = wallClockNow;
        attempts++;
    }

    /** Staging of the latest attempt: later markers of earlier attempts are stale. */
    public boolean isLatestAttempt(int attempt) {
        return attempt == attempts - 1;
    }

    /**
     * The latest attempt's merge moved bytes: it is slow, not stuck. False (and nothing changes) once the attempt
     * left processing: a late marker says nothing about what came after it.
     */
    public boolean progressed(long wallClockNow) {
        if (state != WindowState.PROCESSING) {
            return false;
        }
        progressAt = Math.max(progressAt, wallClockNow);
        return true;
    }

    public void staged(long wallClockNow) throws InvalidTransitionException {
        require(state == WindowState.PROCESSING, "mark staged");
        state = WindowState.DISPATCHED;
        stagedAt = wallClockNow;
    }

    /**
     * The latest attempt failed or made no progress: back to pending with the same files and names after the
     * policy's backoff, or failed for good once the attempts are spent.
     */
    public void attemptFailed(String reason, long wallClockNow, RetryPolicy retries)
            throws InvalidTransitionException {
        require(isInFlight(), "fail an attempt of");
        failedAttempts++;
        lastError = reason;
        if (retries.exhausted(failedAttempts)) {
            state = WindowState.FAILED;
        } else {
            state = WindowState.PENDING;
            notBefore = wallClockNow + retries.backoffAfter(failedAttempts);
        }
    }

    /** An operator's rollback: back to pending, retried at once with the same files and names. */
    public void rolledBack(String reason) throws InvalidTransitionException {
        require(state != WindowState.PENDING, "roll back");
        state = WindowState.PENDING;
        failedAttempts = 0;
        notBefore = 0;
        lastError = reason;
    }

    /** No progress until {@link #stuckAt}: the attempt is retried (or the window failed). */
    public boolean isStuck(long wallClockNow, long processingTimeoutMs) {
        return wallClockNow >= stuckAt(processingTimeoutMs);
    }

    /**
     * Wall-clock time at which the in-flight attempt counts as stuck unless it shows progress first;
     * {@link Long#MAX_VALUE} for a window that is not in flight.
     *
     * <p>Processing: the merge itself gives an attempt up once it moved no byte for the processing timeout, and
     * says so with its failed marker; while it moves bytes its progress markers arrive well within each timeout.
     * So the tracker waits twice the timeout after the dispatch or the last progress marker: it retries only an
     * attempt whose markers never arrive (the merge's task lost, or its store refusing even the markers), not one
     * whose merge still moves bytes: that merge would go on holding a pool thread while its retry waits for one. Dispatched: all parts are staged and
     * only a checkpoint is awaited, so no manifest within the timeout means the committable was dropped (a staged
     * part went missing).
     */
    public long stuckAt(long processingTimeoutMs) {
        return switch (state) {
            case PROCESSING -> Math.max(startedAt, progressAt) + 2 * processingTimeoutMs;
            case DISPATCHED -> stagedAt + processingTimeoutMs;
            case PENDING, FAILED -> Long.MAX_VALUE;
        };
    }

    private void require(boolean allowed, String change) throws InvalidTransitionException {
        if (!allowed) {
            throw new InvalidTransitionException(this, change);
        }
    }

    @Override
    public String toString() {
        return namespace + " window " + windowStart + " g" + generation + " " + state.runbookName() + " ("
                + fileCount + " files)";
    }
}
