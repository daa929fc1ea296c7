package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.table.TableCommitter;
import dev.compactor.table.TableTarget;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Two-phase sink for merged windows: the writer collects the staged windows of a checkpoint, and once that
 * checkpoint completes the {@link WindowCommitter} publishes them, writes their manifests and deletes
 * their sources.
 */
public final class ParquetCommitSink implements Sink<StagedWindow>, SupportsCommitter<StagedWindow> {
    private static final long serialVersionUID = 1L;

    private final ObjectStoreFactory storeFactory;
    private final BucketLayout layout;
    private final Duration sourceRetention;
    private final TableTarget tableTarget;

    /**
     * @param storeFactory opens the bucket on the task manager that runs the committer
     * @param layout       names of staging, final, manifest and quarantine objects
     */
    public ParquetCommitSink(ObjectStoreFactory storeFactory, BucketLayout layout) {
        this(storeFactory, layout, Duration.ZERO);
    }

    /** @param sourceRetention how long commits keep their sources under {@code _trash/}; zero deletes them */
    public ParquetCommitSink(ObjectStoreFactory storeFactory, BucketLayout layout, Duration sourceRetention) {
        this(storeFactory, layout, sourceRetention, TableTarget.NATIVE);
    }

    /** @param tableTarget the table each committed generation is appended to, or {@link TableTarget#NATIVE} */
    public ParquetCommitSink(ObjectStoreFactory storeFactory, BucketLayout layout, Duration sourceRetention,
                             TableTarget tableTarget) {
        this.tableTarget = Objects.requireNonNull(tableTarget, "table target must not be null");
        this.storeFactory = Objects.requireNonNull(storeFactory, "object store factory must not be null");
        this.layout = Objects.requireNonNull(layout, "bucket layout must not be null");
        this.sourceRetention = Objects.requireNonNull(sourceRetention, "source retention must not be null");
    }

    /** Still abstract in Flink 1.20; the runtime calls the {@link WriterInitContext} variant. */
    @Override
    @Deprecated
    public CommittingSinkWriter<StagedWindow, StagedWindow> createWriter(InitContext context) {
        return new StagedWindowWriter();
    }

    @Override
    public CommittingSinkWriter<StagedWindow, StagedWindow> createWriter(WriterInitContext context) {
        return new StagedWindowWriter();
    }

    @Override
    public Committer<StagedWindow> createCommitter(CommitterInitContext context) throws IOException {
        ObjectStore store = storeFactory.open();
        TableCommitter table = tableTarget.open(store);
        return new WindowCommitter(store, table,
                new WindowPublisher(store, layout, Clock.systemUTC(), sourceRetention, table),
                new CommitMetrics(context.metricGroup()));
    }

    @Override
    public SimpleVersionedSerializer<StagedWindow> getCommittableSerializer() {
        return new StagedWindowSerializer();
    }
}
