package dev.compactor.operator;

import dev.compactor.commit.StagedWindowCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link ParquetMerger} for each dispatched window on a small thread pool and hands the staged result to the
 * commit sink. After all parts are staged it writes the attempt's {@code _STAGED.json} marker, whose object event
 * moves the window from processing to dispatched.
 *
 * <p>A window generation whose manifest already exists was committed by an earlier attempt; merging it again
 * would read sources that may be gone, so it is skipped. A timeout does not fail the job: WindowTracker's
 * processing timeout retries the window with the same file set.
 */
@Internal
public class AsyncMerge extends RichAsyncFunction<CompactionTask, StagedWindow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncMerge.class);

    private final ObjectStoreFactory storeFactory;
    private final BucketLayout layout;
    private final MergeSettings settings;
    private final int threads;

    private transient ObjectStore store;
    private transient ParquetMerger merger;
    private transient ExecutorService executor;
    private transient Counter skipped;
    private transient Counter failures;
    private transient Counter timeouts;
    private transient Counter rows;
    private transient Counter inputBytes;
    private transient Counter quarantined;

    public AsyncMerge(ObjectStoreFactory storeFactory, BucketLayout layout, MergeSettings settings, int threads) {
        this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (threads < 1) {
            throw new IllegalArgumentException("merge threads must be at least 1, was " + threads);
        }
        this.threads = threads;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        store = storeFactory.open();
        merger = new ParquetMerger(store, layout, settings);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        executor = Executors.newFixedThreadPool(threads, namedThreads("merge-" + subtask + "-"));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        skipped = metrics.counter(CompactorMetrics.MERGES_SKIPPED_ALREADY_COMMITTED);
        failures = metrics.counter(CompactorMetrics.MERGE_FAILURES);
        timeouts = metrics.counter(CompactorMetrics.MERGE_TIMEOUTS);
        rows = metrics.counter(CompactorMetrics.MERGED_ROWS);
        inputBytes = metrics.counter(CompactorMetrics.MERGED_INPUT_BYTES);
        quarantined = metrics.counter(CompactorMetrics.INPUTS_QUARANTINED);
    }

    @Override
    public void asyncInvoke(CompactionTask task, ResultFuture<StagedWindow> result) {
        executor.execute(() -> {
            try {
                result.complete(merge(task));
            } catch (Exception e) {
                failures.inc();
                LOG.error("{}: merge failed: {}", task, e.toString(), e);
                result.completeExceptionally(e);
            }
        });
    }

    private List<StagedWindow> merge(CompactionTask task) throws IOException {
        String manifest = layout.manifestKey(task.namespace, task.windowStart, task.generation);
        if (store.head(manifest).isPresent()) {
            skipped.inc();
            LOG.info("{}: already committed ({} exists), nothing to merge", task, manifest);
            return Collections.emptyList();
        }
        long started = System.nanoTime();
        StagedWindow staged = merger.merge(task);
        store.write(layout.stagedMarkerKey(task.namespace, task.windowStart, task.generation, task.attempt),
                StagedWindowCodec.toJson(staged));
        long bytes = staged.inputs.stream().mapToLong(i -> i.size).sum();
        rows.inc(staged.totalRows());
        inputBytes.inc(bytes);
        quarantined.inc(staged.quarantined.size());
        LOG.info("{}: staged {} rows from {} files ({} bytes) in {} parts in {} ms; {} quarantined, {} missing",
                task, staged.totalRows(), staged.inputs.size(), bytes, staged.parts.size(),
                (System.nanoTime() - started) / 1_000_000, staged.quarantined.size(), staged.missing.size());
        return List.of(staged);
    }

    @Override
    public void timeout(CompactionTask task, ResultFuture<StagedWindow> result) {
        timeouts.inc();
        LOG.warn("{}: merge timed out; the window's processing timeout will retry it", task);
        result.complete(Collections.emptyList());
    }

    @Override
    public void close() throws Exception {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (store != null) {
            store.close();
        }
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
