package dev.compactor.status;

import java.util.List;

/**
 * Everything one WindowTracker key (a namespace, or one shard {@code namespace#windowStart} of a sharded namespace)
 * publishes about itself. Plain facts; {@link NamespaceStatus} turns one or more of them into the runbook's view.
 *
 * @param lastCompactionTime wall-clock time of the newest commit seen, 0 before the first
 * @param quarantinedFiles   source files the commit set aside under {@code _quarantine/} as unreadable
 * @param lastCommand        id of the newest control command applied, null before the first
 * @param retainedSourceBytes bytes of committed sources kept under {@code _trash/} ({@code compaction.source-retention})
 * @param heldWindows        starts of the windows held after an uncompact until a trigger
 */
public record NamespaceSnapshot(String trackerKey, String namespace, int priority, boolean priorityOverridden,
                                long effectiveMaxWaitTimeMs, String backpressure, long processingTimeoutMs,
                                List<String> knownWriters, List<String> activeWriters, List<WindowSnapshot> windows,
                                long lastCompactionTime, long quarantinedFiles, String lastCommand,
                                long retainedSourceBytes, List<Long> heldWindows) {

    public NamespaceSnapshot {
        knownWriters = List.copyOf(knownWriters);
        activeWriters = List.copyOf(activeWriters);
        windows = List.copyOf(windows);
        heldWindows = heldWindows == null ? List.of() : List.copyOf(heldWindows);
    }

    /** A snapshot without retained sources or held windows. */
    public NamespaceSnapshot(String trackerKey, String namespace, int priority, boolean priorityOverridden,
                             long effectiveMaxWaitTimeMs, String backpressure, long processingTimeoutMs,
                             List<String> knownWriters, List<String> activeWriters, List<WindowSnapshot> windows,
                             long lastCompactionTime, long quarantinedFiles, String lastCommand) {
        this(trackerKey, namespace, priority, priorityOverridden, effectiveMaxWaitTimeMs, backpressure,
                processingTimeoutMs, knownWriters, activeWriters, windows, lastCompactionTime, quarantinedFiles,
                lastCommand, 0, List.of());
    }
}
