package dev.compactor.window;

import java.io.Serializable;
import java.time.Duration;

/**
 * The runbook's scheduling thresholds, in milliseconds. All event-time rules read "now" as the watermark;
 * the processing timeout is wall-clock time.
 */
public record WindowRules(long windowSizeMs, long maxWaitMs, int minFiles, long writerInactiveAfterMs,
                          long processingTimeoutMs, long forceAfterMs) implements Serializable {

    public WindowRules {
        requirePositive("window size", windowSizeMs);
        requireNotNegative("max wait", maxWaitMs);
        requirePositive("writer inactivity threshold", writerInactiveAfterMs);
        requirePositive("processing timeout", processingTimeoutMs);
        requireNotNegative("force-after", forceAfterMs);
        if (minFiles < 1) {
            throw new IllegalArgumentException("min files must be at least 1, was " + minFiles);
        }
    }

    /**
     * The runbook's defaults: 1 h windows, 5 min wait, 10 files, writers inactive after 30 min, 5 min timeout;
     * a window short of files compacts anyway 1 h after it ended.
     */
    public static WindowRules runbookDefaults() {
        return new WindowRules(Duration.ofHours(1).toMillis(), Duration.ofMinutes(5).toMillis(), 10,
                Duration.ofMinutes(30).toMillis(), Duration.ofMinutes(5).toMillis(), Duration.ofHours(1).toMillis());
    }

    /** Start of the window holding a file written at {@code fileTimeMillis}: floor(t / size) * size. */
    public long windowStartOf(long fileTimeMillis) {
        return Math.floorDiv(fileTimeMillis, windowSizeMs) * windowSizeMs;
    }

    public long windowEndOf(long windowStart) {
        return windowStart + windowSizeMs;
    }

    /** A writer counts as active while its newest file is younger than the inactivity threshold. */
    public boolean isWriterActive(long writerLastSeenMillis, long now) {
        return now - writerLastSeenMillis < writerInactiveAfterMs;
    }

    private static void requirePositive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + value + " ms");
        }
    }

    private static void requireNotNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value + " ms");
        }
    }
}
