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
import dev.compactor.store.ProgressStore;
import dev.compactor.window.WindowOverrides;

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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import java.util.concurrent.ScheduledExecutorService;
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
 * the job.
 *
 * <p>Long merges: a merge runs as long as it moves bytes. Each merge reads and writes through its own
 * {@link ProgressStore}; a {@link MergeWatchdog} writes the attempt's {@code _PROGRESS.json} marker whenever bytes
 * moved since its last round (its object event tells WindowTracker the attempt is alive, so the window is not
 * retried under it), and gives the attempt up once no byte moved for the stall timeout (the processing timeout):
 * it cancels the merge's store and interrupts its thread, so the merge unwinds and frees the thread, and the
 * attempt writes its {@code _FAILED.json} marker like any other attempt that gave up. Flink's async timeout is
 * therefore a year (see CompactorPipeline): it would discard a merge that is slow but moving.
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
    private final long stallTimeoutMs;

    private transient ObjectStore store;
    private transient ExecutorService executor;
    private transient MergeWatchdog watchdog;
    private transient ScheduledExecutorService watchdogThread;
    private transient Counter skipped;
    private transient Counter failures;
    private transient Counter timeouts;
    private transient Counter rows;
    private transient Counter inputBytes;
    private transient Counter quarantined;
    private transient MergeMetrics byNamespace;

    /** Failed I/O tries per attempt so far, by attempt identity; shared by the merge threads. */
    private transient Map<String, Integer> ioFailures;

    /**
     * @param stallTimeoutMs a merge that read and wrote no byte for this long is given up (the processing timeout)
     */
    public AsyncMerge(ObjectStoreFactory storeFactory, BucketLayout layout, MergeSettings settings, int threads,
                      int ioAttempts, long stallTimeoutMs) {
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
        if (stallTimeoutMs <= 0) {
            throw new IllegalArgumentException("merge stall timeout must be positive, was " + stallTimeoutMs + " ms");
        }
        this.stallTimeoutMs = stallTimeoutMs;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        store = storeFactory.open();
        ioFailures = new ConcurrentHashMap<>();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        executor = Executors.newFixedThreadPool(threads, namedThreads("merge-" + subtask + "-"));
        watchdog = new MergeWatchdog(stallTimeoutMs, System::currentTimeMillis);
        // Four rounds per timeout: a stalled merge is given up at most a quarter of the timeout late, and a moving
        // one writes its progress marker well within each timeout.
        long round = Math.max(1, stallTimeoutMs / 4);
        watchdogThread = Executors.newSingleThreadScheduledExecutor(namedThreads("merge-watchdog-" + subtask + "-"));
        watchdogThread.scheduleWithFixedDelay(this::checkMerges, round, round, TimeUnit.MILLISECONDS);
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
            RunningMerge running = new RunningMerge(task);
            try {
                List<StagedWindow> staged = merge(task, running.store);
                running.finish();
                result.complete(staged);
                ioFailures.remove(attempt);
            } catch (Error e) {
                running.finish();
                result.completeExceptionally(e);
            } catch (Exception e) {
                running.finish();
                if (running.store.isCancelled()) {
                    // Whatever the merge threw while it unwound: the watchdog gave this attempt up.
                    timeouts.inc();
                    namespaceMetrics.failed.inc();
                    ioFailures.remove(attempt);
                    giveUp(task, "no byte read or written for " + stallTimeoutMs + " ms (the processing timeout); "
                            + "the merge was cancelled", e, result);
                } else {
                    onFailure(task, attempt, e, namespaceMetrics, result);
                }
            }
        });
    }

    private void onFailure(CompactionTask task, String attempt, Exception error,
                           MergeMetrics.OfNamespace namespaceMetrics, ResultFuture<StagedWindow> result) {
        if (error instanceof IOException e) {
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
        } else {
            failures.inc();
            namespaceMetrics.failed.inc();
            giveUp(task, "merge failed on this window's data: " + error, error, result);
        }
    }

    private void checkMerges() {
        try {
            watchdog.check();
        } catch (RuntimeException e) {
            // An exception would end the scheduled rounds, and with them every later give-up.
            LOG.error("merge watchdog round failed", e);
        }
    }

    /**
     * One merge on its pool thread, as the watchdog sees it. Its monitor orders the watchdog's calls against the
     * end of the merge: no interrupt reaches the thread and no progress marker is written once the merge finished.
     */
    private final class RunningMerge implements MergeWatchdog.Listener {
        final CompactionTask task;
        final ProgressStore store;
        private final Thread runner = Thread.currentThread();
        private final MergeWatchdog.Watched watched;
        private boolean finished;

        RunningMerge(CompactionTask task) {
            this.task = task;
            this.store = new ProgressStore(AsyncMerge.this.store);
            this.watched = watchdog.watch(store, this);
        }

        @Override
        public synchronized void progressed(long bytesMoved) {
            if (finished) {
                return;
            }
            String key = layout.progressMarkerKey(task.namespace, task.windowStart, task.generation, task.attempt);
            String json = "{\"bytesMoved\":" + bytesMoved + ",\"at\":\"" + Instant.now() + "\"}";
            try {
                AsyncMerge.this.store.write(key, json.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The merge goes on; without markers WindowTracker retries it after twice the processing timeout.
                LOG.warn("{}: could not write progress marker {}: {}", task, key, e.toString());
            }
        }

        @Override
        public synchronized void stalled(long silentMs) {
            if (finished) {
                return;
            }
            LOG.warn("{}: no byte read or written for {} ms; cancelling the merge", task, silentMs);
            store.cancel();
            runner.interrupt(); // a read blocked in the store may only wake up this way
        }

        /** Ends the watch; clears an interrupt of a cancellation so the failure marker can still be written. */
        synchronized void finish() {
            finished = true;
            watched.close();
            Thread.interrupted();
        }
    }

    /** {@code store} is this merge's {@link ProgressStore}: every read and write of the attempt is counted. */
    private List<StagedWindow> merge(CompactionTask task, ObjectStore store) throws IOException {
        String manifest = layout.manifestKey(task.namespace, task.windowStart, task.generation);
        if (store.head(manifest).isPresent()) {
            // Nothing to merge, but the commit still finishes the cleanup (sources, staging) from the manifest.
            skipped.inc();
            LOG.info("{}: already committed ({} exists), nothing to merge", task, manifest);
            return List.of(new StagedWindow(task));
        }
        long started = System.nanoTime();
        CompactionTask current = withoutRewrittenInputs(withoutCommittedInputs(task, store), store);
        WindowOverrides overrides = overridesOf(task, store);
        MergeSettings windowSettings = MergeOverrides.apply(settings, overrides);
        if (!overrides.isEmpty()) {
            LOG.info("{}: merging with the window's overrides {}", task, overrides.spec());
        }
        StagedWindow staged = new ParquetMerger(store, layout, windowSettings).merge(current);
        Map<String, String> mergedVersions = requireUnchanged(current, staged, store);
        store.write(layout.stagedMarkerKey(task.namespace, task.windowStart, task.generation, task.attempt),
                StagedWindowCodec.markerJson(staged, mergedVersions, overrides.fields()));
        if (store.head(manifest).isPresent()) {
            discardAttempt(task, store);
            return List.of(new StagedWindow(task));
        }
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

    /**
     * Another attempt committed the generation while this one merged (a retry after a timeout, a replay after a
     * restore): this attempt's parts would never be published. Its commit cleared the staging it listed after
     * writing the manifest, and this attempt clears what it wrote itself. Checked after the marker is written, so one
     * of the two always sees the other: a commit that listed staging before the marker existed wrote its manifest
     * before this check. Checked before, a marker written just after that commit's listing stayed forever.
     */
    private void discardAttempt(CompactionTask task, ObjectStore store) throws IOException {
        List<ObjectInfo> written = store.list(
                layout.stagingDir(task.namespace, task.windowStart, task.generation, task.attempt));
        for (ObjectInfo object : written) {
            store.delete(object.key());
        }
        skipped.inc();
        LOG.info("{}: committed by another attempt while merging; discarded this attempt's {} staging objects", task,
                written.size());
    }

    /** The merge parameters an operator's retry set for the window ({@code _staging/{ns}/{ws}-overrides.json}). */
    private WindowOverrides overridesOf(CompactionTask task, ObjectStore store) throws IOException {
        String key = layout.windowOverridesKey(task.namespace, task.windowStart);
        if (store.head(key).isEmpty()) {
            return WindowOverrides.NONE;
        }
        try {
            return MergeOverrides.fromJson(store.read(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the window's overrides " + key + " are not readable: "
                    + e.getMessage(), e);
        }
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
    private CompactionTask withoutCommittedInputs(CompactionTask task, ObjectStore store) throws IOException {
        String thisManifest = layout.manifestKey(task.namespace, task.windowStart, task.generation);
        Map<String, Manifest.InputEntry> committed = new HashMap<>();
        for (ObjectInfo other : store.list(layout.manifestWindowPrefix(task.namespace, task.windowStart))) {
            if (!other.key().equals(thisManifest) && other.key().endsWith(".json")) {
                Manifest m = ManifestCodec.fromJson(store.read(other.key()));
                if (m.isRolledBack()) {
                    continue; // un-compacted: its inputs are back as sources, to be merged again
                }
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
    private CompactionTask withoutRewrittenInputs(CompactionTask task, ObjectStore store) throws IOException {
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
    private Map<String, String> requireUnchanged(CompactionTask task, StagedWindow staged, ObjectStore store)
            throws IOException {
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
    public void close() throws Exception {
        if (watchdogThread != null) {
            watchdogThread.shutdownNow();
        }
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
