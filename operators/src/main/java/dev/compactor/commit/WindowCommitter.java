package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectStore;
import dev.compactor.table.TableCommitter;
import org.apache.flink.api.connector.sink2.Committer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.Objects;

/**
 * Flink's side of the commit: runs {@link WindowPublisher} for each committable once its checkpoint is
 * complete and translates the outcome into the request's state. The only place outputs become visible.
 */
public final class WindowCommitter implements Committer<StagedWindow> {

    private static final Logger LOG = LoggerFactory.getLogger(WindowCommitter.class);

    private final ObjectStore store;
    private final TableCommitter table;
    private final WindowPublisher publisher;
    private final CommitMetrics metrics;

    /** Takes ownership of {@code store}: it is closed with the committer. */
    public WindowCommitter(ObjectStore store, WindowPublisher publisher, CommitMetrics metrics) {
        this(store, TableCommitter.NONE, publisher, metrics);
    }

    /** Takes ownership of {@code store} and {@code table} (the publisher's): both are closed with the committer. */
    public WindowCommitter(ObjectStore store, TableCommitter table, WindowPublisher publisher, CommitMetrics metrics) {
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.table = Objects.requireNonNull(table, "table must not be null");
        this.publisher = Objects.requireNonNull(publisher, "publisher must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
    }

    @Override
    public void commit(Collection<CommitRequest<StagedWindow>> requests) {
        for (CommitRequest<StagedWindow> request : requests) {
            commit(request);
        }
    }

    private void commit(CommitRequest<StagedWindow> request) {
        StagedWindow window = request.getCommittable();
        PublishOutcome outcome;
        try {
            outcome = publisher.publish(window);
        } catch (IOException e) {
            // Every publish step is idempotent, so running the whole publish again later is safe.
            metrics.recordRetry();
            LOG.warn("{}: commit failed on a store error, retry {} will follow: {}",
                    WindowPublisher.identity(window), request.getNumberOfRetries() + 1, e.toString());
            request.retryLater();
            return;
        }
        metrics.record(outcome);
        switch (outcome.status()) {
            case COMMITTED -> { }
            case ALREADY_COMMITTED -> request.signalAlreadyCommitted();
            case UNCOMMITTABLE -> {
                // Failing the job would replay the same committable from state forever. Nothing was published and
                // no source was touched, so dropping it is safe: the window's processing timeout merges it again.
                LOG.error("{}: cannot commit, dropping this attempt; the window will be merged again: {}",
                        WindowPublisher.identity(window), outcome.failure());
                request.signalFailedWithKnownReason(new IllegalStateException(outcome.failure()));
            }
        }
    }

    @Override
    public void close() throws Exception {
        try (ObjectStore closingStore = store) {
            table.close();
        }
    }
}
