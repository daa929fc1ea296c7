package dev.compactor.status;

import dev.compactor.window.WindowOverrides;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One window generation as the runbook shows it. {@code key} is the window start in epoch milliseconds, the key
 * the rollback command takes; later generations of the same window share it. {@code held} is true for a window
 * un-compacted and waiting for a trigger; {@code overrides} lists the merge parameters a retry set for it (absent when
 * none).
 */
public record WindowStatus(String key, String windowStart, String windowEnd, int fileCount, long totalSize,
                           List<String> writers, ProcessingStatus processingStatus, boolean held,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> overrides) {

    public WindowStatus(String key, String windowStart, String windowEnd, int fileCount, long totalSize,
                        List<String> writers, ProcessingStatus processingStatus) {
        this(key, windowStart, windowEnd, fileCount, totalSize, writers, processingStatus, false, Map.of());
    }

    static WindowStatus of(WindowSnapshot w) {
        String startedAt = w.startedAt() == 0 ? null : Instant.ofEpochMilli(w.startedAt()).toString();
        return new WindowStatus(Long.toString(w.windowStart()), Instant.ofEpochMilli(w.windowStart()).toString(),
                Instant.ofEpochMilli(w.windowEnd()).toString(), w.fileCount(), w.totalSize(), w.writers(),
                new ProcessingStatus(w.state(), startedAt, w.generation(), w.attempts(), w.lastError()), w.held(),
                WindowOverrides.parse(w.overrides()).fields());
    }
}
