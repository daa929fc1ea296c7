package dev.compactor.status;

import java.util.List;

/**
 * What WindowTracker knows about one window generation at the moment it published its status: facts only, so
 * ages and health can be judged at query time against the wall clock.
 *
 * @param startedAt wall-clock time of the latest dispatch, 0 before the first
 * @param stagedAt  wall-clock time the latest attempt was staged, 0 before
 */
public record WindowSnapshot(long windowStart, long windowEnd, int generation, String state, int fileCount,
                             long totalSize, List<String> writers, long startedAt, long stagedAt, int attempts,
                             String lastError) {

    public WindowSnapshot {
        writers = List.copyOf(writers);
    }

    public boolean isActive() {
        return !state.equals("failed");
    }

    /** In processing or dispatched without progress for the timeout: the runbook's "stuck in processing". */
    public boolean isStuck(long wallClockNow, long processingTimeoutMs) {
        return switch (state) {
            case "processing" -> wallClockNow - startedAt >= processingTimeoutMs;
            case "dispatched" -> wallClockNow - stagedAt >= processingTimeoutMs;
            default -> false;
        };
    }
}
