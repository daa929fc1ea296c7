package dev.compactor.operator;

/** Every metric name the job registers, in one place, so dashboards and alerts have one list to read. */
public final class CompactorMetrics {
    /** Events classified into something WindowTracker acts on. */
    public static final String EVENTS_ACCEPTED = "eventsAccepted";
    /** Events dropped with a reason; one counter per reason under the group {@code rejected}. */
    public static final String REJECTED_GROUP = "rejected";
    public static final String EVENTS_IGNORED = "eventsIgnored";
    /** Notification records read from the event stream, and the object events they held. */
    public static final String NOTIFICATIONS_READ = "notificationsRead";
    public static final String NOTIFICATION_EVENTS = "notificationEvents";
    /** Rejections written to the dead-letter objects under {@code _rejected/}. */
    public static final String DEAD_LETTERS_WRITTEN = "deadLettersWritten";

    public static final String FILES_ADDED = "filesAdded";
    public static final String FILES_REPLACED = "filesReplaced";
    public static final String DUPLICATE_FILES = "duplicateFiles";
    public static final String FILES_REMOVED = "filesRemoved";
    public static final String WINDOWS_DISPATCHED = "windowsDispatched";
    public static final String WINDOWS_HELD_BY_BACKPRESSURE = "windowsHeldByBackpressure";
    public static final String WINDOWS_STAGED = "windowsStaged";
    public static final String STRAY_STAGING_REMOVED = "strayStagingRemoved";
    public static final String WINDOWS_COMMITTED = "windowsCommitted";
    public static final String WINDOWS_TIMED_OUT = "windowsTimedOut";
    public static final String ATTEMPTS_FAILED = "attemptsFailed";
    public static final String WINDOWS_FAILED = "windowsFailed";
    public static final String INVALID_TRANSITIONS = "invalidTransitions";

    public static final String MERGES_SKIPPED_ALREADY_COMMITTED = "mergesSkippedAlreadyCommitted";
    public static final String MERGE_FAILURES = "mergeFailures";
    public static final String MERGE_TIMEOUTS = "mergeTimeouts";
    public static final String MERGED_ROWS = "mergedRows";
    public static final String MERGED_INPUT_BYTES = "mergedInputBytes";
    public static final String INPUTS_QUARANTINED = "inputsQuarantined";

    /** Group of the per-namespace metrics; with the Prometheus reporter it becomes a {@code namespace} label. */
    public static final String NAMESPACE_GROUP = "namespace";
    public static final String NS_PENDING_WINDOWS = "pendingWindows";
    public static final String NS_PROCESSING_WINDOWS = "processingWindows";
    public static final String NS_DISPATCHED_WINDOWS = "dispatchedWindows";
    public static final String NS_FAILED_WINDOWS = "failedWindows";
    public static final String NS_PENDING_FILES = "pendingFiles";
    public static final String NS_OLDEST_WINDOW_AGE_MS = "oldestWindowAgeMs";
    public static final String NS_BACKPRESSURE_LEVEL = "backpressureLevel";
    public static final String NS_MERGES_STARTED = "mergesStarted";
    public static final String NS_MERGES_SUCCEEDED = "mergesSucceeded";
    public static final String NS_MERGES_FAILED = "mergesFailed";
    public static final String NS_MERGES_RETRIED = "mergesRetried";
    public static final String NS_ROWS_IN = "rowsIn";
    public static final String NS_ROWS_OUT = "rowsOut";
    public static final String NS_BYTES_IN = "bytesIn";
    public static final String NS_BYTES_OUT = "bytesOut";
    public static final String NS_QUARANTINED_INPUTS = "quarantinedInputs";
    public static final String NS_MERGE_DURATION_MS = "mergeDurationMs";

    private CompactorMetrics() {}
}
