package dev.compactor.status;

import java.util.List;

/**
 * What WindowTracker knows about one window generation at the moment it published its status: facts only, so
 * ages and health can be judged at query time against the wall clock.
 *
 * @param startedAt wall-clock time of the latest dispatch, 0 before the first
 * @param stagedAt  wall-clock time the latest attempt was staged, 0 before
 * @param progressAt wall-clock time the latest attempt's merge was last seen moving bytes, 0 before
 * @param held       the window is un-compacted and waits for a trigger
 * @param overrides  the window's merge parameters set by a retry ({@code WindowOverrides#spec}), null for none
 */
public record WindowSnapshot(long windowStart, long windowEnd, int generation, String state, int fileCount,
                             long totalSize, List<String> writers, long startedAt, long stagedAt, long progressAt, int attempts,
                             String lastError, boolean held, String overrides) {

    public WindowSnapshot {
        writers = List.copyOf(writers);
        overrides = overrides == null || overrides.isEmpty() ? null : overrides;
    }

    /** A window neither held nor with overrides. */
    public WindowSnapshot(long windowStart, long windowEnd, int generation, String state, int fileCount,
                          long totalSize, List<String> writers, long startedAt, long stagedAt, long progressAt,
                          int attempts, String lastError) {
        this(windowStart, windowEnd, generation, state, fileCount, totalSize, writers, startedAt, stagedAt, progressAt,
                attempts, lastError, false, null);
    }

    public boolean isActive() {
        return !state.equals("failed");
    }

    /**
     * In processing or dispatched without progress for the timeout: the runbook's "stuck in processing". A merge
     * that keeps moving bytes is not stuck, however long it runs. (WindowTracker retries a processing window only
     * after twice the timeout: a merge that moves nothing gives itself up after one.)
     */
    public boolean isStuck(long wallClockNow, long processingTimeoutMs) {
        return switch (state) {
            case "processing" -> wallClockNow - Math.max(startedAt, progressAt) >= processingTimeoutMs;
            case "dispatched" -> wallClockNow - stagedAt >= processingTimeoutMs;
            default -> false;
        };
    }
}
