package dev.compactor.status;

import java.time.Instant;
import java.util.List;

/**
 * One window generation as the runbook shows it. {@code key} is the window start in epoch milliseconds, the key
 * the rollback command takes; later generations of the same window share it.
 */
public record WindowStatus(String key, String windowStart, String windowEnd, int fileCount, long totalSize,
                           List<String> writers, ProcessingStatus processingStatus) {

    static WindowStatus of(WindowSnapshot w) {
        String startedAt = w.startedAt() == 0 ? null : Instant.ofEpochMilli(w.startedAt()).toString();
        return new WindowStatus(Long.toString(w.windowStart()), Instant.ofEpochMilli(w.windowStart()).toString(),
                Instant.ofEpochMilli(w.windowEnd()).toString(), w.fileCount(), w.totalSize(), w.writers(),
                new ProcessingStatus(w.state(), startedAt, w.generation(), w.attempts(), w.lastError()));
    }
}
