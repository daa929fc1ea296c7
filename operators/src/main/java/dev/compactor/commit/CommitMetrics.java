package dev.compactor.commit;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.Objects;

/** The commit's counters, registered on the committer's metric group under the names below. */
public final class CommitMetrics {

    public static final String WINDOWS_COMMITTED = "windowsCommitted";
    public static final String OUTPUTS_PUBLISHED = "outputsPublished";
    public static final String SOURCES_DELETED = "sourcesDeleted";
    public static final String FILES_QUARANTINED = "filesQuarantined";
    public static final String COMMIT_RETRIES = "commitRetries";
    public static final String COMMIT_FAILURES = "commitFailures";

    private final Counter windowsCommitted;
    private final Counter outputsPublished;
    private final Counter sourcesDeleted;
    private final Counter filesQuarantined;
    private final Counter commitRetries;
    private final Counter commitFailures;

    public CommitMetrics(MetricGroup group) {
        Objects.requireNonNull(group, "metric group must not be null");
        this.windowsCommitted = group.counter(WINDOWS_COMMITTED);
        this.outputsPublished = group.counter(OUTPUTS_PUBLISHED);
        this.sourcesDeleted = group.counter(SOURCES_DELETED);
        this.filesQuarantined = group.counter(FILES_QUARANTINED);
        this.commitRetries = group.counter(COMMIT_RETRIES);
        this.commitFailures = group.counter(COMMIT_FAILURES);
    }

    void record(PublishOutcome outcome) {
        if (outcome.status() == PublishOutcome.Status.COMMITTED) {
            windowsCommitted.inc();
        } else if (outcome.status() == PublishOutcome.Status.UNCOMMITTABLE) {
            commitFailures.inc();
        }
        outputsPublished.inc(outcome.outputsPublished());
        sourcesDeleted.inc(outcome.sourcesDeleted());
        filesQuarantined.inc(outcome.filesQuarantined());
    }

    void recordRetry() {
        commitRetries.inc();
    }

    public long windowsCommitted() {
        return windowsCommitted.getCount();
    }

    public long outputsPublished() {
        return outputsPublished.getCount();
    }

    public long sourcesDeleted() {
        return sourcesDeleted.getCount();
    }

    public long filesQuarantined() {
        return filesQuarantined.getCount();
    }

    public long commitRetries() {
        return commitRetries.getCount();
    }

    public long commitFailures() {
        return commitFailures.getCount();
    }
}
