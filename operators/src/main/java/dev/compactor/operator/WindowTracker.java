package dev.compactor.operator;

import dev.compactor.commit.ManifestLedger;
import dev.compactor.events.BucketEvent;
import dev.compactor.events.ControlCommand;
import dev.compactor.merge.CompactionTask;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.SourceFile;
import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.StatusJson;
import dev.compactor.status.WindowSnapshot;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.window.Backpressure;
import dev.compactor.window.FileRecord;
import dev.compactor.window.InvalidTransitionException;
import dev.compactor.window.ReadinessRule;
import dev.compactor.window.RetainedSources;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRecord;
import dev.compactor.window.WindowRules;
import dev.compactor.window.WindowState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Tracks the windows of one namespace (the key; {@code namespace#windowStart} for time-bucket sharded namespaces)
 * and sends each ready window generation to the merge.
 *
 * <p>State is one entry per file and per window generation, so an event touches O(1) entries. A file joins the
 * open (pending, not yet frozen) generation of its window; once a generation was dispatched, later files of the
 * same window start the next generation, so a committed output name is never reused. Event-time timers fire at
 * the times {@link ReadinessRule} names; processing-time timers catch attempts that made no progress and end
 * retry backoffs. Ready windows dispatch oldest first unless backpressure holds them; every commit re-runs the
 * dispatch, so held windows go as soon as the level drops.
 *
 * <p>Operators steer it with {@link ControlCommand}s, which arrive as events in order with the data. After every
 * event or timer the key publishes a {@link NamespaceSnapshot}: queryable as {@value #STATUS_QUERYABLE_NAME} under
 * the tracker key, and on the {@link #STATUS} side output for {@link StatusSummary}. Building it reads the window,
 * writer and window-writer entries, never the per-file ones.
 */
@Internal
public class WindowTracker extends KeyedProcessFunction<String, BucketEvent, CompactionTask>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WindowTracker.class);

    public static final String STATUS_QUERYABLE_NAME = "namespace-status";
    /** How long applied control command ids are remembered: past a Kinesis stream's usual retention (1 to 7 days). */
    static final Duration COMMAND_RETENTION = Duration.ofDays(8);
    public static final OutputTag<StatusUpdate> STATUS = new OutputTag<>("namespace-status") {};
    /**
     * How long a key's status may lag its events. A key's snapshot is rebuilt and sent once per interval in which it
     * changed, not after every event: building it reads all of the key's windows and writers.
     */
    static final long STATUS_INTERVAL_MS = 800;
    /**
     * Event-time check timers are rounded up to this: a hot window registers one timer per second of event time, not
     * one per file. A window is dispatched at most this much event time after it became ready.
     */
    static final long CHECK_GRANULARITY_MS = 1_000;
    /** How many keys' {@link KeyMemo}s are kept. */
    static final int MEMO_KEYS = 16_384;
    /** A key's memo forgets its window-writer entries past this many. */
    static final int MEMO_WINDOW_WRITERS = 4_096;

    private final SchedulingRules rules;
    private final ObjectStoreFactory storeFactory;
    private final BucketLayout layout;
    /** {@code compaction.source-retention}: how long a commit keeps its sources under {@code _trash/}; 0 for not. */
    private final long sourceRetentionMs;

    private transient WindowRules windowRules;
    /** The bucket, read only for its manifests: the committed generations of a window the state has no ledger for. */
    private transient ObjectStore store;
    private transient ManifestLedger committedGenerations;
    private transient ReadinessRule readiness;
    /** "{windowStart}-g{generation}" → the generation's record. */
    private transient MapState<String, WindowRecord> windows;
    /** windowStart → newest generation ever opened; kept after commit so generations are never reused. */
    private transient MapState<Long, Integer> latestGeneration;
    /** object key → pending file. */
    private transient MapState<String, FileRecord> files;
    /** "{windowStart}-g{generation}#{slot}" → object key: each generation's files, see {@link #indexed}. */
    private transient MapState<String, String> generationFiles;
    /** "{windowStart}-g{generation}/{writer}" → present. */
    private transient MapState<String, Boolean> windowWriters;
    /** writer → newest file time seen (the runbook's known writers). */
    private transient MapState<String, Long> writers;
    /** The namespace of this key (the key itself, less the shard suffix of a sharded namespace). */
    private transient ValueState<String> namespace;
    /** An operator's priority (control command), which wins over the configured one until a reset. */
    private transient ValueState<Integer> priorityOverride;
    private transient ValueState<Long> lastCompaction;
    private transient ValueState<String> lastCommand;
    /**
     * Ids of the commands applied within {@link #COMMAND_RETENTION}, with their issue time: a command object seen
     * again (the watcher listing {@code _control/} after a restore from a bootstrapped savepoint, a Kinesis replay)
     * is not applied twice. Kept through a reset, which would otherwise replay itself.
     */
    private transient MapState<String, Long> appliedCommands;
    /** Keys of the reason objects of quarantined files, so a rewritten reason is not counted twice. */
    private transient MapState<String, Boolean> quarantined;
    private transient ValueState<Long> quarantinedCount;
    /** windowStart → the uncompact command holding it until a trigger. */
    private transient MapState<Long, String> heldWindows;
    /** windowStart → merge parameters a retry set ({@code WindowOverrides#spec}); dropped when it commits. */
    private transient MapState<Long, String> windowOverrides;
    /** "{windowStart}-g{generation}" → the committed generation's sources kept under {@code _trash/}. */
    private transient MapState<String, RetainedSources> retainedSources;
    private transient ValueState<String> status;
    /**
     * Keys of this subtask whose status timer is pending, with its time: not state (after a restore the next change
     * schedules it again, a restored timer only schedules).
     */
    private transient Map<String, Long> statusDue;
    /** Recently active keys' {@link KeyMemo}s, the least recently used dropped past {@link #MEMO_KEYS}. */
    private transient Map<String, KeyMemo> memos;
    /** The current key's memo while a new file is added; null otherwise. */
    private transient KeyMemo memo;

    private transient Counter filesAdded;
    private transient Counter filesReplaced;
    private transient Counter duplicateFiles;
    private transient Counter filesRemoved;
    private transient Counter windowsDispatched;
    private transient Counter windowsHeld;
    private transient Counter windowsStaged;
    private transient Counter strayStagingRemoved;
    private transient Counter windowsCommitted;
    private transient Counter windowsTimedOut;
    private transient Counter attemptsFailed;
    private transient Counter windowsFailed;
    private transient Counter invalidTransitions;
    private transient NamespaceGauges namespaceGauges;

    public WindowTracker(SchedulingRules rules, ObjectStoreFactory storeFactory, BucketLayout layout) {
        this(rules, storeFactory, layout, 0);
    }

    /**
     * @param storeFactory      the bucket, where a window without state finds its committed generations
     * @param sourceRetentionMs how long commits keep their sources under {@code _trash/} (0: they delete them)
     */
    public WindowTracker(SchedulingRules rules, ObjectStoreFactory storeFactory, BucketLayout layout,
                         long sourceRetentionMs) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
        this.layout = Objects.requireNonNull(layout, "layout");
        if (sourceRetentionMs < 0) {
            throw new IllegalArgumentException("source retention must not be negative, was " + sourceRetentionMs);
        }
        this.sourceRetentionMs = sourceRetentionMs;
    }

    @Override
    public void open(OpenContext openContext) throws IOException {
        store = storeFactory.open();
        committedGenerations = new ManifestLedger(store, layout);
        windowRules = rules.windows();
        readiness = new ReadinessRule(windowRules);
        windows = getRuntimeContext().getMapState(TrackerState.windows());
        latestGeneration = getRuntimeContext().getMapState(TrackerState.latestGeneration());
        files = getRuntimeContext().getMapState(TrackerState.files());
        generationFiles = getRuntimeContext().getMapState(TrackerState.generationFiles());
        windowWriters = getRuntimeContext().getMapState(TrackerState.windowWriters());
        writers = getRuntimeContext().getMapState(TrackerState.writers());
        namespace = getRuntimeContext().getState(TrackerState.namespace());
        priorityOverride = getRuntimeContext().getState(TrackerState.priorityOverride());
        lastCompaction = getRuntimeContext().getState(TrackerState.lastCompaction());
        lastCommand = getRuntimeContext().getState(TrackerState.lastCommand());
        appliedCommands = getRuntimeContext().getMapState(TrackerState.appliedCommands());
        quarantined = getRuntimeContext().getMapState(TrackerState.quarantined());
        quarantinedCount = getRuntimeContext().getState(TrackerState.quarantinedCount());
        heldWindows = getRuntimeContext().getMapState(TrackerState.heldWindows());
        windowOverrides = getRuntimeContext().getMapState(TrackerState.windowOverrides());
        retainedSources = getRuntimeContext().getMapState(TrackerState.retainedSources());
        status = getRuntimeContext().getState(TrackerState.status(STATUS_QUERYABLE_NAME));
        statusDue = new HashMap<>();
        memos = new LinkedHashMap<>(1_024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, KeyMemo> eldest) {
                return size() > MEMO_KEYS;
            }
        };

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        filesAdded = metrics.counter(CompactorMetrics.FILES_ADDED);
        filesReplaced = metrics.counter(CompactorMetrics.FILES_REPLACED);
        duplicateFiles = metrics.counter(CompactorMetrics.DUPLICATE_FILES);
        filesRemoved = metrics.counter(CompactorMetrics.FILES_REMOVED);
        windowsDispatched = metrics.counter(CompactorMetrics.WINDOWS_DISPATCHED);
        windowsHeld = metrics.counter(CompactorMetrics.WINDOWS_HELD_BY_BACKPRESSURE);
        windowsStaged = metrics.counter(CompactorMetrics.WINDOWS_STAGED);
        strayStagingRemoved = metrics.counter(CompactorMetrics.STRAY_STAGING_REMOVED);
        windowsCommitted = metrics.counter(CompactorMetrics.WINDOWS_COMMITTED);
        windowsTimedOut = metrics.counter(CompactorMetrics.WINDOWS_TIMED_OUT);
        attemptsFailed = metrics.counter(CompactorMetrics.ATTEMPTS_FAILED);
        windowsFailed = metrics.counter(CompactorMetrics.WINDOWS_FAILED);
        invalidTransitions = metrics.counter(CompactorMetrics.INVALID_TRANSITIONS);
        namespaceGauges = new NamespaceGauges(metrics, System::currentTimeMillis);
    }

    @Override
    public void close() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @Override
    public void processElement(BucketEvent event, Context ctx, Collector<CompactionTask> out) throws Exception {
        if (event.type == BucketEvent.Type.FILE_ADDED) {
            memo = memos.computeIfAbsent(ctx.getCurrentKey(), k -> new KeyMemo());
        } else {
            forgetMemo(ctx.getCurrentKey());
        }
        switch (event.type) {
            case FILE_ADDED -> addFile(event, ctx);
            case FILE_REMOVED -> removeFile(event);
            case WINDOW_STAGED -> markStaged(event, ctx.timerService());
            case WINDOW_PROGRESS -> markProgress(event, ctx.timerService());
            case WINDOW_FAILED -> attemptFailed(event, ctx.timerService());
            case WINDOW_COMMITTED -> {
                completeGeneration(event, ctx.timerService());
                // A commit lowers the windows in flight: windows held by backpressure may go now.
                dispatchReadyWindows(ctx.timerService(), out);
            }
            case CONTROL -> applyCommand(event, ctx.timerService(), out);
            case FILE_QUARANTINED -> countQuarantined(event);
            default -> throw new IllegalStateException("unknown event type " + event.type);
        }
        memo = null;
        scheduleStatus(ctx);
    }

    /**
     * What the tracker remembers of a key between its new files, so that a file costs fewer RocksDB reads and writes:
     * the priority override, the record of each window's generation that takes files (as stored), the writers'
     * newest file times as stored, and window-writer entries known to be stored. Not state: empty after a start, and
     * filled from state as files are added. Only adding a new file fills or changes it; every other event and every
     * timer of the key forgets it first ({@link #forgetMemo}), since they may write those states.
     */
    private static final class KeyMemo {
        boolean priorityKnown;
        Integer priorityOverride;
        final Map<Long, WindowRecord> openWindows = new HashMap<>();
        final Map<String, Long> writerTimes = new HashMap<>();
        final Set<String> windowWriters = new HashSet<>();
    }

    /**
     * Every memo is forgotten at a checkpoint. On the heap state backend a memo's window record is the very object in
     * state; changed later during the snapshot's asynchronous part, it would leak into the snapshot. Read from state
     * again, it is the copy the backend hands out while a snapshot runs.
     */
    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        memos.clear();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // All state is keyed and obtained in open().
    }

    private void forgetMemo(String key) {
        memos.remove(key);
        memo = null;
    }

    /**
     * Keeps the key's namespace for its status. Called where a key starts to hold something (a new generation, a
     * command, a quarantined file), not on every event: it is a state read.
     */
    private void rememberNamespace(String ns) throws Exception {
        if (namespace.value() == null) {
            namespace.update(ns);
        }
    }

    /** The key's status is published within {@link #STATUS_INTERVAL_MS}, once for every event until then. */
    private void scheduleStatus(Context ctx) {
        String key = ctx.getCurrentKey();
        if (!statusDue.containsKey(key)) {
            long at = ctx.timerService().currentProcessingTime() + STATUS_INTERVAL_MS;
            statusDue.put(key, at);
            ctx.timerService().registerProcessingTimeTimer(at);
        }
    }

    private void addFile(BucketEvent e, Context ctx) throws Exception {
        TimerService timers = ctx.timerService();
        long watermark = timers.currentWatermark();
        long arrival = Math.max(e.fileTimeMillis, watermark);
        FileRecord known = files.get(e.key);
        if (known != null) {
            forgetMemo(ctx.getCurrentKey());
            replaceOrIgnore(e, known, arrival, timers);
            return;
        }
        Long lastSeen = memo.writerTimes.containsKey(e.writerId) ? memo.writerTimes.get(e.writerId)
                : writers.get(e.writerId);
        if (lastSeen == null || e.fileTimeMillis > lastSeen) {
            writers.put(e.writerId, e.fileTimeMillis);
            lastSeen = e.fileTimeMillis;
        }
        memo.writerTimes.put(e.writerId, lastSeen);

        long windowStart = windowRules.windowStartOf(e.fileTimeMillis);
        // The memo's record of the window is the stored one of its newest generation: once that stops taking files
        // (a dispatch, a timer) the memo was forgotten.
        WindowRecord window = memo.openWindows.get(windowStart);
        if (window == null || !window.acceptsFiles()) {
            window = openGeneration(e.namespace, windowStart);
        }
        window.addFile(e.size, arrival);
        registerCheckTimes(window, timers);
        String windowKey = windowKey(windowStart, window.generation);
        generationFiles.put(TrackerState.fileSlotKey(windowKey, indexed(window).takeFileSlot()), e.key);
        windows.put(windowKey, window);
        memo.openWindows.put(windowStart, window);
        String windowWriter = windowKey + "/" + e.writerId;
        if (memo.windowWriters.size() >= MEMO_WINDOW_WRITERS) {
            memo.windowWriters.clear();
        }
        if (memo.windowWriters.add(windowWriter)) {
            windowWriters.put(windowWriter, Boolean.TRUE);
        }
        files.put(e.key, new FileRecord(windowStart, window.generation, e.size, e.eTag, e.writerId, e.seq,
                e.fileTimeMillis));
        filesAdded.inc();
    }

    /**
     * At-least-once delivery repeats notifications: the same key and eTag is the same file. A different eTag is the
     * key written again; it replaces the earlier entry while its generation still takes files, and otherwise joins
     * the window's next generation as a new file: the frozen generation merges and deletes only the version it was
     * given (AsyncMerge, WindowPublisher), so each version's rows are committed once.
     */
    private void replaceOrIgnore(BucketEvent e, FileRecord known, long arrival, TimerService timers)
            throws Exception {
        if (Objects.equals(known.eTag, e.eTag)) {
            duplicateFiles.inc();
            return;
        }
        String windowKey = windowKey(known.windowStart, known.generation);
        WindowRecord window = windows.get(windowKey);
        if (window == null || !window.acceptsFiles()) {
            WindowRecord next = openGeneration(e.namespace, known.windowStart);
            LOG.warn("{}: source {} was rewritten (eTag {} -> {}) after generation {} of its window froze; the new "
                    + "version joins generation {}", e.namespace, e.key, known.eTag, e.eTag, known.generation,
                    next.generation);
            next.addFile(e.size, arrival);
            registerCheckTimes(next, timers);
            String nextKey = windowKey(known.windowStart, next.generation);
            // the frozen generation's slot stays: its file entry now names the next generation
            generationFiles.put(TrackerState.fileSlotKey(nextKey, indexed(next).takeFileSlot()), e.key);
            windows.put(nextKey, next);
            windowWriters.put(nextKey + "/" + known.writerId, Boolean.TRUE);
            files.put(e.key, new FileRecord(known.windowStart, next.generation, e.size, e.eTag, known.writerId,
                    known.seq, known.fileTimeMillis));
            filesReplaced.inc();
            return;
        }
        window.replaceFile(known.size, e.size, arrival);
        windows.put(windowKey, window);
        known.size = e.size;
        known.eTag = e.eTag;
        files.put(e.key, known);
        filesReplaced.inc();
    }

    /** The generation of the window that still takes files, opening a new one after a dispatched one. */
    private WindowRecord openGeneration(String namespace, long windowStart) throws Exception {
        Integer latest = latestGeneration.get(windowStart);
        if (latest != null) {
            WindowRecord current = windows.get(windowKey(windowStart, latest));
            if (current != null && current.acceptsFiles()) {
                return current;
            }
        }
        if (latest == null) {
            latest = newestCommitted(namespace, windowStart);
        }
        int generation = latest == null ? 0 : latest + 1;
        latestGeneration.put(windowStart, generation);
        rememberNamespace(namespace);
        WindowRecord opened = WindowRecord.open(namespace, windowStart, windowRules.windowEndOf(windowStart),
                generation);
        opened.filesIndexed = true;
        return opened;
    }

    /**
     * The window with its files in {@link #generationFiles}. A generation restored from a savepoint of a build
     * without that index (or written by the state bootstrap) has none yet: every unindexed generation of the key
     * is indexed now, in one pass over the key's files, and stored. Returns {@code window}, indexed, for the caller
     * to store with its own changes. A caller that holds several windows' records reads them through
     * {@link #indexedWindows} instead, so none of its copies is left unindexed.
     */
    private WindowRecord indexed(WindowRecord window) throws Exception {
        if (!window.filesIndexed) {
            indexUnindexed(window);
        }
        return window;
    }

    /** All of the key's windows, indexed (see {@link #indexed}). */
    private List<WindowRecord> indexedWindows() throws Exception {
        List<WindowRecord> all = new ArrayList<>();
        boolean unindexed = false;
        for (WindowRecord window : windows.values()) {
            all.add(window);
            unindexed |= !window.filesIndexed;
        }
        if (unindexed) {
            indexUnindexed(null);
            all.clear();
            windows.values().forEach(all::add);
        }
        return all;
    }

    /** Indexes every unindexed generation of the key; {@code callers} (may be null) is the caller's copy of one. */
    private void indexUnindexed(WindowRecord callers) throws Exception {
        Map<String, WindowRecord> unindexed = new HashMap<>();
        for (Map.Entry<String, WindowRecord> entry : windows.entries()) {
            if (!entry.getValue().filesIndexed) {
                unindexed.put(entry.getKey(), entry.getValue());
            }
        }
        if (callers != null) {
            // the caller's copy, which it goes on to change and store
            unindexed.put(windowKey(callers.windowStart, callers.generation), callers);
        }
        int indexedFiles = 0;
        for (Map.Entry<String, FileRecord> entry : files.entries()) {
            FileRecord file = entry.getValue();
            String fileWindow = windowKey(file.windowStart, file.generation);
            WindowRecord owner = unindexed.get(fileWindow);
            if (owner != null) {
                generationFiles.put(TrackerState.fileSlotKey(fileWindow, owner.takeFileSlot()), entry.getKey());
                indexedFiles++;
            }
        }
        for (Map.Entry<String, WindowRecord> entry : unindexed.entrySet()) {
            entry.getValue().filesIndexed = true;
            windows.put(entry.getKey(), entry.getValue());
        }
        LOG.info("{}: indexed {} file(s) of {} generation(s) restored without a file index",
                unindexed.values().iterator().next().namespace, indexedFiles, unindexed.size());
    }

    /**
     * The object keys of the files that joined the generation, in the order they joined, each once. Some may since
     * have been removed or rewritten into a later generation: {@link #files} says where each belongs.
     */
    private List<String> indexedKeys(WindowRecord window) throws Exception {
        indexed(window);
        String windowKey = windowKey(window.windowStart, window.generation);
        List<String> keys = new ArrayList<>(window.fileSlots);
        Set<String> seen = new HashSet<>();
        for (int slot = 0; slot < window.fileSlots; slot++) {
            String key = generationFiles.get(TrackerState.fileSlotKey(windowKey, slot));
            // a file removed and added again while the generation was open took two slots
            if (key != null && seen.add(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * The state has no ledger for this window: a new window, or a job started without state whose events no longer
     * hold the window's old manifests (a Kinesis stream keeps days). The bucket's manifests say which generations
     * are taken; null when none is.
     */
    private Integer newestCommitted(String namespace, long windowStart) throws IOException {
        try {
            OptionalInt newest = committedGenerations.newestCommitted(namespace, windowStart);
            if (newest.isPresent()) {
                LOG.info("{}: window {} has no generation in state but manifests up to generation {}; its new files "
                        + "form generation {}", namespace, windowStart, newest.getAsInt(), newest.getAsInt() + 1);
            }
            return newest.isPresent() ? newest.getAsInt() : null;
        } catch (IOException e) {
            throw new IOException(namespace + ": cannot list the manifests of window " + windowStart
                    + " to learn its committed generations: " + e.getMessage(), e);
        }
    }

    /**
     * Registers the event times at which the window's readiness can change, rounded up to
     * {@link #CHECK_GRANULARITY_MS} and never in the past, each only when it moved since the window last registered
     * it: a file that arrives in the same second as the one before registers nothing. The arrival check matters only
     * once the window's wait has passed (before, the end check decides), so files of a window still open register
     * none; the end check registers it when the window then waits for writers. Returns whether it registered any, so
     * the caller stores the window.
     */
    private boolean registerCheckTimes(WindowRecord window, TimerService timers) throws Exception {
        long wait = waitAfterEnd(window);
        long[] times = readiness.checkTimes(window, wait);
        long watermark = timers.currentWatermark();
        boolean ended = watermark >= window.windowEnd + wait;
        // Before the first watermark after a start, a time registered earlier may have fired already (its timer is
        // gone): register it again. Once the watermark is known, a recorded time above it is still pending.
        boolean watermarkKnown = watermark > Long.MIN_VALUE;
        boolean registered = false;
        for (int i = 0; i < times.length; i++) {
            if (i == ReadinessRule.ARRIVAL_CHECK && !ended) {
                continue;
            }
            long at = roundUp(Math.max(times[i], watermark + 1));
            boolean moved = window.checkRegistered(i, at);
            if (moved || !watermarkKnown) {
                timers.registerEventTimeTimer(at);
                registered |= moved;
            }
        }
        return registered;
    }

    private static long roundUp(long time) {
        return Math.floorDiv(time + CHECK_GRANULARITY_MS - 1, CHECK_GRANULARITY_MS) * CHECK_GRANULARITY_MS;
    }

    private long waitAfterEnd(WindowRecord window) throws Exception {
        return rules.priorities().waitAfterEndMs(priorityOf(window.namespace));
    }

    private int priorityOf(String ns) throws Exception {
        Integer override;
        if (memo != null && memo.priorityKnown) {
            override = memo.priorityOverride;
        } else {
            override = priorityOverride.value();
            if (memo != null) {
                memo.priorityOverride = override;
                memo.priorityKnown = true;
            }
        }
        return override != null ? override : rules.priorities().priorityOf(ns);
    }

    private void removeFile(BucketEvent e) throws Exception {
        FileRecord file = files.get(e.key);
        if (file == null) {
            return; // already committed, or never tracked
        }
        String windowKey = windowKey(file.windowStart, file.generation);
        WindowRecord window = windows.get(windowKey);
        if (window == null || !window.acceptsFiles()) {
            // The file set is frozen: the merge records the file as missing and the commit removes it from state.
            LOG.info("{}: source {} removed while {} is being compacted", e.namespace, e.key, window);
            return;
        }
        files.remove(e.key);
        filesRemoved.inc();
        window.removeFile(file.size);
        if (window.fileCount == 0) {
            dropGeneration(window);
        } else {
            windows.put(windowKey, window);
        }
    }

    private void markStaged(BucketEvent e, TimerService timers) throws Exception {
        String windowKey = windowKey(e.windowStart, e.generation);
        WindowRecord window = windows.get(windowKey);
        // A late marker of an attempt that timed out has no committable behind it any more.
        if (window == null || !window.isLatestAttempt(e.attempt)) {
            return;
        }
        long wallNow = timers.currentProcessingTime();
        if (apply(window, "staged marker " + e.key, () -> window.staged(wallNow))) {
            windows.put(windowKey, window);
            timers.registerProcessingTimeTimer(window.stuckAt(windowRules.processingTimeoutMs()));
            windowsStaged.inc();
        }
    }

    /** The latest attempt's merge still moves bytes: its stuck deadline moves on. */
    private void markProgress(BucketEvent e, TimerService timers) throws Exception {
        String windowKey = windowKey(e.windowStart, e.generation);
        WindowRecord window = windows.get(windowKey);
        if (window == null || !window.isLatestAttempt(e.attempt)) {
            return;
        }
        if (window.progressed(timers.currentProcessingTime())) {
            windows.put(windowKey, window);
            timers.registerProcessingTimeTimer(window.stuckAt(windowRules.processingTimeoutMs()));
        }
    }

    private void attemptFailed(BucketEvent e, TimerService timers) throws Exception {
        String windowKey = windowKey(e.windowStart, e.generation);
        WindowRecord window = windows.get(windowKey);
        if (window == null || !window.isLatestAttempt(e.attempt)) {
            return;
        }
        failAttempt(window, e.eTag, timers);
    }

    private void failAttempt(WindowRecord window, String reason, TimerService timers) throws Exception {
        long wallNow = timers.currentProcessingTime();
        if (!apply(window, reason, () -> window.attemptFailed(reason, wallNow, rules.retries()))) {
            return;
        }
        windows.put(windowKey(window.windowStart, window.generation), window);
        attemptsFailed.inc();
        if (window.state == WindowState.FAILED) {
            windowsFailed.inc();
            LOG.error("{}: attempt {} failed ({}); all {} attempts spent, the window is failed and its files stay "
                    + "untouched until it is rolled back", window.namespace, window.attempts, reason,
                    rules.retries().maxAttempts());
        } else {
            LOG.warn("{}: attempt {} failed ({}); retrying with the same files at {}", window, window.attempts,
                    reason, window.notBefore);
            timers.registerProcessingTimeTimer(window.notBefore);
        }
    }

    private void completeGeneration(BucketEvent e, TimerService timers) throws Exception {
        Integer latest = latestGeneration.get(e.windowStart);
        if (latest == null || latest < e.generation) {
            // A manifest we never dispatched (state rebuilt or lost): never hand out its generation again.
            latestGeneration.put(e.windowStart, e.generation);
        }
        String windowKey = windowKey(e.windowStart, e.generation);
        WindowRecord window = windows.get(windowKey);
        if (window == null) {
            return;
        }
        for (String key : indexedKeys(window)) {
            FileRecord file = files.get(key);
            if (file != null && file.belongsTo(e.windowStart, e.generation)) {
                files.remove(key);
            }
        }
        dropGeneration(window);
        clearStrayGenerations(e.namespace, e.windowStart);
        windowOverrides.remove(e.windowStart);
        long now = timers.currentProcessingTime();
        if (sourceRetentionMs > 0 && !heldWindows.contains(e.windowStart)) {
            retainedSources.put(windowKey, new RetainedSources(window.totalSize, now + sourceRetentionMs));
            timers.registerProcessingTimeTimer(now + sourceRetentionMs);
        }
        lastCompaction.update(now);
        windowsCommitted.inc();
        LOG.info("{} committed ({})", window, e.key);
    }

    /**
     * Removes the window's staging of generations above the newest this state opened: merges that a restore rolled
     * back. The job went back to a checkpoint taken before those generations were opened, and the replayed events put
     * their files into a generation this state did open (one not yet dispatched when the checkpoint was taken). No
     * committable refers to that staging and no commit of those generations comes, so nothing else would ever remove
     * it, whether the merge got as far as its marker or not. No merge of this job writes there: only this key opens
     * the window's generations, and when it opens one of those numbers its merge starts clean. Run when one of the
     * window's generations commits, so a window costs one listing per commit.
     */
    private void clearStrayGenerations(String ns, long windowStart) throws Exception {
        int newestOpened = latestGeneration.get(windowStart);
        String prefix = layout.stagingWindowPrefix(ns, windowStart);
        int removed = 0;
        for (ObjectInfo object : store.list(prefix)) {
            OptionalInt generation = BucketLayout.generationOfStagingKey(object.key(), prefix);
            if (generation.isPresent() && generation.getAsInt() > newestOpened) {
                store.delete(object.key());
                removed++;
            }
        }
        if (removed > 0) {
            strayStagingRemoved.inc(removed);
            LOG.warn("{}: removed {} staging objects of window {} generations above {}, the newest this job's state "
                    + "opened: merges rolled back by a restore, which nothing would ever commit or clear", ns, removed,
                    windowStart, newestOpened);
        }
    }

    /** Forgets the generation: its record, its writers and its file index (not its files). */
    private void dropGeneration(WindowRecord window) throws Exception {
        String windowKey = windowKey(window.windowStart, window.generation);
        windows.remove(windowKey);
        for (int slot = 0; slot < window.fileSlots; slot++) {
            generationFiles.remove(TrackerState.fileSlotKey(windowKey, slot));
        }
        String writerPrefix = windowKey + "/";
        Iterator<String> it = windowWriters.keys().iterator();
        while (it.hasNext()) {
            if (it.next().startsWith(writerPrefix)) {
                it.remove();
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CompactionTask> out) throws Exception {
        forgetMemo(ctx.getCurrentKey());
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            failStuckWindows(ctx.timerService());
            forgetExpiredRetention(timestamp);
        }
        dispatchReadyWindows(ctx.timerService(), out);
        Long statusAt = statusDue.get(ctx.getCurrentKey());
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME && statusAt != null && statusAt <= timestamp) {
            statusDue.remove(ctx.getCurrentKey());
            publishStatus(ctx);
        } else {
            scheduleStatus(ctx);
        }
    }

    private void failStuckWindows(TimerService timers) throws Exception {
        long wallNow = timers.currentProcessingTime();
        List<WindowRecord> stuck = new ArrayList<>();
        for (WindowRecord window : windows.values()) {
            if (window.isStuck(wallNow, windowRules.processingTimeoutMs())) {
                stuck.add(window);
            }
        }
        for (WindowRecord window : stuck) {
            windowsTimedOut.inc();
            failAttempt(window, "no progress within the processing timeout of "
                    + windowRules.processingTimeoutMs() + " ms (twice that for a running merge's markers)", timers);
        }
    }

    /** The commit removes retained sources once their retention passed (WindowPublisher); so does the status. */
    private void forgetExpiredRetention(long now) throws Exception {
        Iterator<Map.Entry<String, RetainedSources>> it = retainedSources.iterator();
        while (it.hasNext()) {
            if (it.next().getValue().until <= now) {
                it.remove();
            }
        }
    }

    /** Dispatches every ready window, oldest first, unless backpressure holds it (or an uncompact holds it). */
    private void dispatchReadyWindows(TimerService timers, Collector<CompactionTask> out) throws Exception {
        long now = timers.currentWatermark();
        long wallNow = timers.currentProcessingTime();
        List<String> active = activeWriters(now);
        List<Long> held = held();
        List<WindowRecord> ready = new ArrayList<>();
        List<WindowRecord> waiting = new ArrayList<>();
        int inFlight = 0;
        // One key's windows are all of one namespace: its priority and wait are read once.
        int priority = -1;
        long waitAfterEnd = 0;
        for (WindowRecord window : indexedWindows()) {
            if (window.isInFlight()) {
                inFlight++;
            }
            if (held.contains(window.windowStart)) {
                continue; // un-compacted: only a trigger dispatches it
            }
            if (priority < 0) {
                priority = priorityOf(window.namespace);
                waitAfterEnd = rules.priorities().waitAfterEndMs(priority);
            }
            String writerPrefix = windowKey(window.windowStart, window.generation) + "/";
            ReadinessRule.Verdict verdict = readiness.evaluate(window, now, wallNow, waitAfterEnd, active,
                    writer -> hasWindowWriter(writerPrefix + writer));
            if (verdict == ReadinessRule.Verdict.READY) {
                ready.add(window);
            } else if (verdict == ReadinessRule.Verdict.BACKING_OFF) {
                timers.registerProcessingTimeTimer(window.notBefore);
            } else if (verdict == ReadinessRule.Verdict.WAITING_FOR_WRITERS) {
                waiting.add(window);
            }
        }
        for (WindowRecord window : waiting) {
            if (registerCheckTimes(window, timers)) {
                windows.put(windowKey(window.windowStart, window.generation), window);
            }
        }
        ready.sort(Comparator.comparingLong((WindowRecord w) -> w.windowStart).thenComparingInt(w -> w.generation));
        for (WindowRecord window : ready) {
            Backpressure level = rules.backpressure().level(inFlight);
            if (rules.backpressure().holds(priority, level)) {
                windowsHeld.inc();
                continue;
            }
            if (dispatch(window, timers, out)) {
                inFlight++;
            }
        }
    }

    private boolean dispatch(WindowRecord window, TimerService timers, Collector<CompactionTask> out)
            throws Exception {
        String windowKey = windowKey(window.windowStart, window.generation);
        List<SourceFile> frozen = new ArrayList<>(window.fileCount);
        for (String key : indexedKeys(window)) {
            FileRecord file = files.get(key);
            if (file != null && file.belongsTo(window.windowStart, window.generation)) {
                frozen.add(file.toSourceFile(key));
            }
        }
        if (frozen.isEmpty()) {
            dropGeneration(window);
            return false;
        }
        int attempt = window.attempts;
        long wallNow = timers.currentProcessingTime();
        if (!apply(window, "dispatch", () -> window.dispatched(wallNow))) {
            return false;
        }
        windows.put(windowKey, window);
        timers.registerProcessingTimeTimer(window.stuckAt(windowRules.processingTimeoutMs()));
        windowsDispatched.inc();
        CompactionTask task = new CompactionTask(window.namespace, window.windowStart, window.windowEnd,
                window.generation, attempt, frozen);
        LOG.info("dispatching {}", task);
        out.collect(task);
        return true;
    }

    /** A state change of the window's state machine; an invalid one is refused, counted and logged. */
    private boolean apply(WindowRecord window, String cause, Transition transition) {
        try {
            transition.run();
            return true;
        } catch (InvalidTransitionException e) {
            invalidTransitions.inc();
            LOG.warn("{} (cause: {})", e.getMessage(), cause);
            return false;
        }
    }

    private interface Transition {
        void run() throws InvalidTransitionException;
    }

    private void countQuarantined(BucketEvent e) throws Exception {
        rememberNamespace(e.namespace);
        if (!quarantined.contains(e.key)) {
            quarantined.put(e.key, Boolean.TRUE);
            Long count = quarantinedCount.value();
            quarantinedCount.update(count == null ? 1 : count + 1);
        }
    }

    /** An operator's command: its effect is state like any other, so it is checkpointed and shows in the status. */
    private void applyCommand(BucketEvent e, TimerService timers, Collector<CompactionTask> out) throws Exception {
        ControlCommand command = e.toCommand();
        rememberNamespace(e.namespace);
        if (!firstDelivery(command, timers.currentProcessingTime(), e.namespace)) {
            return;
        }
        LOG.info("{}: applying control command {} ({})", e.namespace, command.id(), command.kind());
        switch (command.kind()) {
            case TRIGGER_CHECK -> failStuckWindows(timers);
            case ROLLBACK -> rollBack(command, timers);
            case SET_PRIORITY -> {
                priorityOverride.update(command.priority());
                // the new priority's wait may lie before or after the check times registered so far
                for (Map.Entry<String, WindowRecord> entry : windows.entries()) {
                    WindowRecord window = entry.getValue();
                    if (window.acceptsFiles()) {
                        registerCheckTimes(window, timers);
                        entry.setValue(window);
                    }
                }
            }
            case RESET -> reset();
            case CLEANUP -> cleanUp(timers.currentWatermark());
            case TRIGGER -> trigger(command, timers, out);
            case UNCOMPACT -> hold(command);
            default -> throw new IllegalStateException("unknown command " + command.kind());
        }
        lastCommand.update(command.id());
        if (command.kind() != ControlCommand.Kind.RESET) {
            dispatchReadyWindows(timers, out);
        }
    }

    /**
     * Whether the command is seen for the first time, remembering it if so. Ids are remembered for
     * {@link #COMMAND_RETENTION} after their issue time and then forgotten, which bounds the state; a command older
     * than that is refused as stale, since whether it was applied can no longer be told (a fresh start listing an old
     * {@code _control/} object must not reset or roll back anything). Commands are applied within seconds of being
     * issued, so only a job down for the whole retention loses one; the operator issues it again.
     */
    private boolean firstDelivery(ControlCommand command, long now, String ns) throws Exception {
        long oldest = now - COMMAND_RETENTION.toMillis();
        long issuedAt = command.issuedAt() < 0 ? now : command.issuedAt();
        if (appliedCommands.contains(command.id())) {
            LOG.info("{}: control command {} ({}) was applied before; ignoring its replay", ns, command.id(),
                    command.kind());
            return false;
        }
        if (issuedAt < oldest) {
            LOG.warn("{}: control command {} ({}) was issued at {}, more than {} ago; ignoring it as stale, issue it "
                    + "again if it is still wanted", ns, command.id(), command.kind(), Instant.ofEpochMilli(issuedAt),
                    COMMAND_RETENTION);
            return false;
        }
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Long> applied : appliedCommands.entries()) {
            if (applied.getValue() < oldest) {
                expired.add(applied.getKey());
            }
        }
        for (String id : expired) {
            appliedCommands.remove(id);
        }
        appliedCommands.put(command.id(), issuedAt);
        return true;
    }

    /**
     * The runbook's manual trigger: the window's pending generations are dispatched now, whatever their readiness
     * (waits, min-files, late writers, a retry's backoff, backpressure), and an uncompact's hold on it ends. A
     * generation already in flight is left alone; the API answers 409 for it before the command is written.
     */
    private void trigger(ControlCommand command, TimerService timers, Collector<CompactionTask> out)
            throws Exception {
        heldWindows.remove(command.windowStart());
        List<WindowRecord> pending = new ArrayList<>();
        for (WindowRecord window : indexedWindows()) {
            if (window.windowStart == command.windowStart() && window.state == WindowState.PENDING) {
                pending.add(window);
            }
        }
        pending.sort(Comparator.comparingInt(w -> w.generation));
        int dispatched = 0;
        for (WindowRecord window : pending) {
            if (dispatch(window, timers, out)) {
                dispatched++;
            }
        }
        LOG.info("trigger {} of window {}: {} generation(s) dispatched", command.id(), command.windowStart(),
                dispatched);
    }

    /**
     * An uncompact is about to put the window's sources back: their files must wait for a trigger, not form a
     * generation that compacts on its own. The window's retained sources go back to data/, so they no longer count.
     */
    private void hold(ControlCommand command) throws Exception {
        heldWindows.put(command.windowStart(), command.id());
        String prefix = command.windowStart() + "-g";
        Iterator<Map.Entry<String, RetainedSources>> it = retainedSources.iterator();
        while (it.hasNext()) {
            if (it.next().getKey().startsWith(prefix)) {
                it.remove();
            }
        }
        LOG.info("uncompact {}: window {} is held until a trigger", command.id(), command.windowStart());
    }

    /**
     * Every generation of the window that is processing, dispatched or failed goes back to pending; merge parameters
     * the command carries apply to the window's merges until it commits.
     */
    private void rollBack(ControlCommand command, TimerService timers) throws Exception {
        if (!command.overrides().isEmpty()) {
            windowOverrides.put(command.windowStart(), command.overrides());
        }
        List<WindowRecord> rolledBack = new ArrayList<>();
        for (WindowRecord window : windows.values()) {
            if (window.windowStart == command.windowStart() && window.state != WindowState.PENDING
                    && apply(window, "rollback " + command.id(),
                    () -> window.rolledBack("rolled back by control command " + command.id()))) {
                rolledBack.add(window);
            }
        }
        for (WindowRecord window : rolledBack) {
            windows.put(windowKey(window.windowStart, window.generation), window);
        }
        LOG.info("rollback {} of window {}: {} generation(s) back to pending", command.id(), command.windowStart(),
                rolledBack.size());
    }

    /**
     * Forgets what this key tracks. The generation counters stay: they are the ledger that keeps committed output
     * names from being reused.
     */
    private void reset() {
        windows.clear();
        files.clear();
        generationFiles.clear();
        windowWriters.clear();
        writers.clear();
        priorityOverride.clear();
        lastCompaction.clear();
        quarantined.clear();
        quarantinedCount.clear();
        heldWindows.clear();
        windowOverrides.clear();
    }

    /** Drops pending generations left without files and writers no longer active. */
    private void cleanUp(long watermark) throws Exception {
        List<WindowRecord> empty = new ArrayList<>();
        for (WindowRecord window : windows.values()) {
            if (window.acceptsFiles() && window.fileCount == 0) {
                empty.add(window);
            }
        }
        for (WindowRecord window : empty) {
            dropGeneration(window);
        }
        Iterator<Map.Entry<String, Long>> it = writers.iterator();
        while (it.hasNext()) {
            if (!windowRules.isWriterActive(it.next().getValue(), watermark)) {
                it.remove();
            }
        }
    }

    /**
     * Builds the key's snapshot and publishes it. Every state it reads is read once, with one iterator per map
     * state, whatever the number of windows: with thousands of namespaces most events cost one of these.
     */
    private void publishStatus(Context ctx) throws Exception {
        String key = ctx.getCurrentKey();
        Map<String, TreeSet<String>> writersByWindow = new HashMap<>();
        for (String entry : windowWriters.keys()) {
            int slash = entry.indexOf('/');
            writersByWindow.computeIfAbsent(entry.substring(0, slash), k -> new TreeSet<>())
                    .add(entry.substring(slash + 1));
        }
        List<Long> held = held();
        Map<Long, String> overrides = new HashMap<>();
        for (Map.Entry<Long, String> entry : windowOverrides.entries()) {
            overrides.put(entry.getKey(), entry.getValue());
        }
        List<WindowSnapshot> snapshots = new ArrayList<>();
        int inFlight = 0;
        String ns = namespace.value();
        for (WindowRecord w : windows.values()) {
            if (ns == null) {
                // State written without it (a bootstrap from the bucket, older savepoints): every window knows it.
                ns = w.namespace;
                namespace.update(ns);
            }
            if (w.isInFlight()) {
                inFlight++;
            }
            List<String> windowWriterList = List.copyOf(writersByWindow.getOrDefault(windowKey(w.windowStart,
                    w.generation), new TreeSet<>()));
            snapshots.add(new WindowSnapshot(w.windowStart, w.windowEnd, w.generation, w.state.runbookName(),
                    w.fileCount, w.totalSize, windowWriterList, w.startedAt, w.stagedAt, w.progressAt, w.attempts,
                    w.lastError, held.contains(w.windowStart), overrides.get(w.windowStart)));
        }
        long watermark = ctx.timerService().currentWatermark();
        List<String> known = new ArrayList<>();
        List<String> active = new ArrayList<>();
        for (Map.Entry<String, Long> writer : writers.entries()) {
            known.add(writer.getKey());
            if (windowRules.isWriterActive(writer.getValue(), watermark)) {
                active.add(writer.getKey());
            }
        }
        known.sort(Comparator.naturalOrder());
        active.sort(Comparator.naturalOrder());
        if (ns == null) {
            return; // nothing tracked that names the namespace yet; the first file or command will
        }
        Integer override = priorityOverride.value();
        int priority = override != null ? override : rules.priorities().priorityOf(ns);
        Long compactedAt = lastCompaction.value();
        Long quarantinedFiles = quarantinedCount.value();
        NamespaceSnapshot snapshot = new NamespaceSnapshot(key, ns, priority, override != null,
                rules.priorities().waitAfterEndMs(priority), rules.backpressure().level(inFlight).runbookName(),
                windowRules.processingTimeoutMs(), known, active, snapshots, compactedAt == null ? 0 : compactedAt,
                quarantinedFiles == null ? 0 : quarantinedFiles, lastCommand.value(), retainedBytes(), held);
        namespaceGauges.update(snapshot);
        String json = StatusJson.write(snapshot);
        status.update(json);
        ctx.output(STATUS, new StatusUpdate(key, json));
    }

    private long retainedBytes() throws Exception {
        long bytes = 0;
        for (RetainedSources r : retainedSources.values()) {
            bytes += r.bytes;
        }
        return bytes;
    }

    private List<Long> held() throws Exception {
        List<Long> held = new ArrayList<>();
        heldWindows.keys().forEach(held::add);
        held.sort(Comparator.naturalOrder());
        return held;
    }

    private List<String> activeWriters(long now) throws Exception {
        List<String> active = new ArrayList<>();
        for (Map.Entry<String, Long> writer : writers.entries()) {
            if (windowRules.isWriterActive(writer.getValue(), now)) {
                active.add(writer.getKey());
            }
        }
        return active;
    }

    private boolean hasWindowWriter(String key) {
        try {
            return windowWriters.contains(key);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read window writers from state", e);
        }
    }

    static String windowKey(long windowStart, int generation) {
        return TrackerState.windowKey(windowStart, generation);
    }
}
