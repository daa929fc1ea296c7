package dev.compactor.status;

import java.util.List;

/**
 * Everything one WindowTracker key (a namespace, or one shard {@code namespace#windowStart} of a sharded namespace)
 * publishes about itself. Plain facts; {@link NamespaceStatus} turns one or more of them into the runbook's view.
 *
 * @param lastCompactionTime wall-clock time of the newest commit seen, 0 before the first
 * @param quarantinedFiles   source files the commit set aside under {@code _quarantine/} as unreadable
 * @param lastCommand        id of the newest control command applied, null before the first
 */
public record NamespaceSnapshot(String trackerKey, String namespace, int priority, boolean priorityOverridden,
                                long effectiveMaxWaitTimeMs, String backpressure, long processingTimeoutMs,
                                List<String> knownWriters, List<String> activeWriters, List<WindowSnapshot> windows,
                                long lastCompactionTime, long quarantinedFiles, String lastCommand) {

    public NamespaceSnapshot {
        knownWriters = List.copyOf(knownWriters);
        activeWriters = List.copyOf(activeWriters);
        windows = List.copyOf(windows);
    }
}
