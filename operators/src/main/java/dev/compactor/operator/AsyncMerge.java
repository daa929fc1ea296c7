package dev.compactor.operator;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.commit.StagedWindowCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link ParquetMerger} for each dispatched window on a small thread pool and hands the staged result to the
 * commit sink. After all parts are staged it writes the attempt's {@code _STAGED.json} marker, whose object event
 * moves the window from processing to dispatched.
 *
 * <p>A window generation whose manifest already exists was committed by an earlier attempt; merging it again
 * would read sources that may be gone, so it is skipped. Inputs that another generation's manifest lists (state
 * rebuilt from the bucket after a crash between manifest and source deletion) are already in a committed output:
 * they are deleted, not merged again.
 *
 * <p>Failures: an I/O error fails the attempt and Flink's async retry strategy runs it again; once
 * {@code ioAttempts} tries have failed, and at once for any other exception (a problem of this window's data), the
 * attempt gives up: it writes its {@code _FAILED.json} marker, whose object event returns the window to pending
 * with a backoff (or marks it failed once its attempts are spent), and the job goes on. Only an {@link Error} fails
 * the job. A timeout does not fail the job either: WindowTracker's processing timeout retries the window.
 */
@Internal
public class AsyncMerge extends RichAsyncFunction<CompactionTask, StagedWindow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AsyncMerge.class);

    private final ObjectStoreFactory storeFactory;
    private final BucketLayout layout;
    private final MergeSettings settings;
    private final int threads;
    private final int ioAttempts;

    private transient ObjectStore store;
    private transient ParquetMerger merger;
    private transient ExecutorService executor;
    private transient Counter skipped;
    private transient Counter failures;
    private transient Counter timeouts;
    private transient Counter rows;
    private transient Counter inputBytes;
    private transient Counter quarantined;
    private transient MergeMetrics byNamespace;

    /** Failed I/O tries per attempt so far, by attempt identity; shared by the merge threads. */
    private transient Map<String, Integer> ioFailures;

    public AsyncMerge(ObjectStoreFactory storeFactory, BucketLayout layout, MergeSettings settings, int threads,
                      int ioAttempts) {
        this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (threads < 1) {
            throw new IllegalArgumentException("merge threads must be at least 1, was " + threads);
        }
        this.threads = threads;
        if (ioAttempts < 1) {
            throw new IllegalArgumentException("merge I/O attempts must be at least 1, was " + ioAttempts);
        }
        this.ioAttempts = ioAttempts;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        store = storeFactory.open();
        merger = new ParquetMerger(store, layout, settings);
        ioFailures = new ConcurrentHashMap<>();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        executor = Executors.newFixedThreadPool(threads, namedThreads("merge-" + subtask + "-"));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        // Updated from the merge threads.
        skipped = metrics.counter(CompactorMetrics.MERGES_SKIPPED_ALREADY_COMMITTED, new ThreadSafeSimpleCounter());
        failures = metrics.counter(CompactorMetrics.MERGE_FAILURES, new ThreadSafeSimpleCounter());
        timeouts = metrics.counter(CompactorMetrics.MERGE_TIMEOUTS, new ThreadSafeSimpleCounter());
        rows = metrics.counter(CompactorMetrics.MERGED_ROWS, new ThreadSafeSimpleCounter());
        inputBytes = metrics.counter(CompactorMetrics.MERGED_INPUT_BYTES, new ThreadSafeSimpleCounter());
        quarantined = metrics.counter(CompactorMetrics.INPUTS_QUARANTINED, new ThreadSafeSimpleCounter());
        byNamespace = new MergeMetrics(metrics);
    }

    @Override
    public void asyncInvoke(CompactionTask task, ResultFuture<StagedWindow> result) {
        MergeMetrics.OfNamespace namespaceMetrics = byNamespace.of(task.namespace);
        namespaceMetrics.started.inc();
        executor.execute(() -> {
            String attempt = attemptId(task);
            try {
                result.complete(merge(task));
                ioFailures.remove(attempt);
            } catch (Error e) {
                result.completeExceptionally(e);
            } catch (IOException e) {
                failures.inc();
                int failed = ioFailures.merge(attempt, 1, Integer::sum);
                if (failed < ioAttempts) {
                    namespaceMetrics.retried.inc();
                    LOG.warn("{}: merge failed on a store error, try {} of {}: {}", task, failed, ioAttempts,
                            e.toString());
                    result.completeExceptionally(e);
                } else {
                    ioFailures.remove(attempt);
                    namespaceMetrics.failed.inc();
                    giveUp(task, "store error after " + failed + " tries: " + e, e, result);
                }
            } catch (Exception e) {
                failures.inc();
                namespaceMetrics.failed.inc();
                giveUp(task, "merge failed on this window's data: " + e, e, result);
            }
        });
    }

    private List<StagedWindow> merge(CompactionTask task) throws IOException {
        String manifest = layout.manifestKey(task.namespace, task.windowStart, task.generation);
        if (store.head(manifest).isPresent()) {
            // Nothing to merge, but the commit still finishes the cleanup (sources, staging) from the manifest.
            skipped.inc();
            LOG.info("{}: already committed ({} exists), nothing to merge", task, manifest);
            return List.of(new StagedWindow(task));
        }
        long started = System.nanoTime();
        CompactionTask current = withoutRewrittenInputs(withoutCommittedInputs(task));
        StagedWindow staged = merger.merge(current);
        Map<String, String> mergedVersions = requireUnchanged(current, staged);
        if (store.head(manifest).isPresent()) {
            // Another attempt committed while this one merged: its parts would never be published.
            for (StagedWindow.Part part : staged.parts) {
                store.delete(part.stagingKey);
            }
            skipped.inc();
            LOG.info("{}: committed by another attempt while merging; discarded this attempt's parts", task);
            return List.of(new StagedWindow(task));
        }
        store.write(layout.stagedMarkerKey(task.namespace, task.windowStart, task.generation, task.attempt),
                StagedWindowCodec.markerJson(staged, mergedVersions));
        long bytes = staged.inputs.stream().mapToLong(i -> i.size).sum();
        rows.inc(staged.totalRows());
        inputBytes.inc(bytes);
        quarantined.inc(staged.quarantined.size());
        byNamespace.of(task.namespace).staged(staged, (System.nanoTime() - started) / 1_000_000);
        LOG.info("{}: staged {} rows from {} files ({} bytes) in {} parts in {} ms; {} quarantined, {} missing",
                task, staged.totalRows(), staged.inputs.size(), bytes, staged.parts.size(),
                (System.nanoTime() - started) / 1_000_000, staged.quarantined.size(), staged.missing.size());
        return List.of(staged);
    }

    /** Records the failure where WindowTracker sees it, so the window is retried with a backoff, or failed. */
    private void giveUp(CompactionTask task, String reason, Exception cause, ResultFuture<StagedWindow> result) {
        LOG.error("{}: giving up this attempt: {}", task, reason, cause);
        try {
            store.write(layout.failedMarkerKey(task.namespace, task.windowStart, task.generation, task.attempt),
                    FailedAttempt.json(task, reason));
            result.complete(Collections.emptyList());
        } catch (IOException markerFailure) {
            cause.addSuppressed(markerFailure);
            result.completeExceptionally(cause);
        }
    }

    private static String attemptId(CompactionTask task) {
        return task.namespace + "|" + task.windowStart + "|" + task.generation + "|" + task.attempt;
    }

    /**
     * The task without the inputs that a manifest of another generation of the same window already holds (same
     * key, size and eTag). Those are deleted here: their rows are durable in that generation's outputs.
     */
    private CompactionTask withoutCommittedInputs(CompactionTask task) throws IOException {
        String thisManifest = layout.manifestKey(task.namespace, task.windowStart, task.generation);
        Map<String, Manifest.InputEntry> committed = new HashMap<>();
        for (ObjectInfo other : store.list(layout.manifestWindowPrefix(task.namespace, task.windowStart))) {
            if (!other.key().equals(thisManifest) && other.key().endsWith(".json")) {
                Manifest m = ManifestCodec.fromJson(store.read(other.key()));
                m.inputs().forEach(i -> committed.put(i.key(), i));
                // A crash before that commit's last step can leave its staging behind.
                for (ObjectInfo leftover : store.list(
                        layout.stagingGenerationPrefix(task.namespace, task.windowStart, m.generation()))) {
                    store.delete(leftover.key());
                }
            }
        }
        if (committed.isEmpty()) {
            return task;
        }
        List<SourceFile> remaining = new ArrayList<>();
        for (SourceFile f : task.files) {
            Manifest.InputEntry merged = committed.get(f.key);
            // Only the version that manifest merged: a key written again since is a new file of this generation.
            if (merged != null && merged.size() == f.size && (merged.eTag() == null || merged.eTag().equals(f.eTag))) {
                store.deleteVersion(f.key, merged.size(), merged.eTag());
                LOG.warn("{}: {} is already in a committed output of this window; deleted it instead of merging "
                        + "it again", task, f.key);
            } else {
                remaining.add(f);
            }
        }
        return new CompactionTask(task.namespace, task.windowStart, task.windowEnd, task.generation, task.attempt,
                remaining);
    }

    /**
     * The task without the inputs written again since the tracker froze the window: this generation merges the
     * version it was given or nothing, and the tracker puts the new version in the next generation. An input whose
     * eTag is unknown (state from before eTags were kept) is merged as it is now.
     */
    private CompactionTask withoutRewrittenInputs(CompactionTask task) throws IOException {
        List<SourceFile> given = new ArrayList<>();
        for (SourceFile f : task.files) {
            Optional<ObjectInfo> now = store.head(f.key);
            if (now.isPresent() && !now.get().isVersion(f.size, eTagOf(f))) {
                LOG.warn("{}: {} was written again since its window froze (eTag {} -> {}); the next generation "
                        + "merges it", task, f.key, f.eTag, now.get().eTag());
            } else {
                given.add(f); // absent ones stay: the merge records them as missing
            }
        }
        return given.size() == task.files.size() ? task : new CompactionTask(task.namespace, task.windowStart,
                task.windowEnd, task.generation, task.attempt, given);
    }

    /**
     * The eTag of each merged input, after checking that none was written again while the merge read it (a mix of
     * two versions, or rows the next generation also merges): that fails this try, and the next one leaves the input
     * to the next generation.
     */
    private Map<String, String> requireUnchanged(CompactionTask task, StagedWindow staged) throws IOException {
        Map<String, SourceFile> byKey = new HashMap<>();
        task.files.forEach(f -> byKey.put(f.key, f));
        Map<String, String> versions = new HashMap<>();
        for (StagedWindow.Input input : staged.inputs) {
            SourceFile f = byKey.get(input.key);
            Optional<ObjectInfo> now = store.head(input.key);
            if (now.isPresent() && !now.get().isVersion(input.size, eTagOf(f))) {
                throw new IOException(input.key + " was written again while " + task + " merged it");
            }
            String eTag = eTagOf(f) != null ? f.eTag : now.map(ObjectInfo::eTag).orElse(null);
            if (eTag != null) {
                versions.put(input.key, eTag);
            }
        }
        return versions;
    }

    /** The eTag the tracker froze, or null where it is not known. */
    private static String eTagOf(SourceFile f) {
        return f == null || f.eTag == null || f.eTag.isEmpty() ? null : f.eTag;
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
            // A merge still running after a restart in the same JVM could delete the restored attempt's parts.
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("merge threads did not stop within 30 s of close");
            }
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
