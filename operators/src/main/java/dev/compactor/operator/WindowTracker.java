package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.SourceFile;
import dev.compactor.window.FileRecord;
import dev.compactor.window.ReadinessRule;
import dev.compactor.window.WindowRecord;
import dev.compactor.window.WindowRules;
import dev.compactor.window.WindowState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tracks the windows of one namespace (the key) and sends each ready window generation to the merge.
 *
 * <p>State is one entry per file and per window generation, so an event touches O(1) entries. A file joins the
 * open (pending, not yet frozen) generation of its window; once a generation was dispatched, later files of the
 * same window start the next generation, so a committed output name is never reused. Event-time timers fire at
 * the times {@link ReadinessRule} names; a processing-time timer returns a window stuck in processing to
 * pending and dispatches it again with the same files and generation (a new attempt).
 */
@Internal
public class WindowTracker extends KeyedProcessFunction<String, BucketEvent, CompactionTask> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WindowTracker.class);

    private final WindowRules rules;

    private transient ReadinessRule readiness;
    /** "{windowStart}-g{generation}" → the generation's record. */
    private transient MapState<String, WindowRecord> windows;
    /** windowStart → newest generation ever opened; kept after commit so generations are never reused. */
    private transient MapState<Long, Integer> latestGeneration;
    /** object key → pending file. */
    private transient MapState<String, FileRecord> files;
    /** "{windowStart}-g{generation}/{writer}" → present. */
    private transient MapState<String, Boolean> windowWriters;
    /** writer → newest file time seen. */
    private transient MapState<String, Long> writers;

    private transient Counter filesAdded;
    private transient Counter duplicateFiles;
    private transient Counter filesRemoved;
    private transient Counter windowsDispatched;
    private transient Counter windowsStaged;
    private transient Counter windowsCommitted;
    private transient Counter windowsTimedOut;

    public WindowTracker(WindowRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    @Override
    public void open(OpenContext openContext) {
        readiness = new ReadinessRule(rules);
        windows = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("windows", Types.STRING, TypeInformation.of(WindowRecord.class)));
        latestGeneration = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("latest-generation", Types.LONG, Types.INT));
        files = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("files", Types.STRING, TypeInformation.of(FileRecord.class)));
        windowWriters = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("window-writers", Types.STRING, Types.BOOLEAN));
        writers = getRuntimeContext().getMapState(new MapStateDescriptor<>("writers", Types.STRING, Types.LONG));

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        filesAdded = metrics.counter(CompactorMetrics.FILES_ADDED);
        duplicateFiles = metrics.counter(CompactorMetrics.DUPLICATE_FILES);
        filesRemoved = metrics.counter(CompactorMetrics.FILES_REMOVED);
        windowsDispatched = metrics.counter(CompactorMetrics.WINDOWS_DISPATCHED);
        windowsStaged = metrics.counter(CompactorMetrics.WINDOWS_STAGED);
        windowsCommitted = metrics.counter(CompactorMetrics.WINDOWS_COMMITTED);
        windowsTimedOut = metrics.counter(CompactorMetrics.WINDOWS_TIMED_OUT);
    }

    @Override
    public void processElement(BucketEvent event, Context ctx, Collector<CompactionTask> out) throws Exception {
        switch (event.type) {
            case FILE_ADDED -> addFile(event, ctx);
            case FILE_REMOVED -> removeFile(event);
            case WINDOW_STAGED -> markStaged(event, ctx);
            case WINDOW_COMMITTED -> completeGeneration(event);
            default -> throw new IllegalStateException("unknown event type " + event.type);
        }
    }

    private void addFile(BucketEvent e, Context ctx) throws Exception {
        FileRecord known = files.get(e.key);
        if (known != null) {
            // At-least-once delivery repeats notifications; the same key and eTag is the same file.
            if (!Objects.equals(known.eTag, e.eTag)) {
                LOG.warn("{}: source {} was overwritten (eTag {} -> {}); the merge reads its current content",
                        e.namespace, e.key, known.eTag, e.eTag);
            }
            duplicateFiles.inc();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        long arrival = Math.max(e.fileTimeMillis, watermark);
        Long lastSeen = writers.get(e.writerId);
        if (lastSeen == null || e.fileTimeMillis > lastSeen) {
            writers.put(e.writerId, e.fileTimeMillis);
        }

        long windowStart = rules.windowStartOf(e.fileTimeMillis);
        WindowRecord window = openGeneration(windowStart);
        window.addFile(e.size, arrival);
        String windowKey = windowKey(windowStart, window.generation);
        windows.put(windowKey, window);
        windowWriters.put(windowKey + "/" + e.writerId, Boolean.TRUE);
        files.put(e.key, new FileRecord(windowStart, window.generation, e.size, e.eTag, e.writerId, e.seq,
                e.fileTimeMillis));
        filesAdded.inc();
        for (long t : readiness.checkTimes(window)) {
            ctx.timerService().registerEventTimeTimer(t);
        }
    }

    /** The generation of the window that still takes files, opening a new one after a dispatched one. */
    private WindowRecord openGeneration(long windowStart) throws Exception {
        Integer latest = latestGeneration.get(windowStart);
        if (latest != null) {
            WindowRecord current = windows.get(windowKey(windowStart, latest));
            if (current != null && current.acceptsFiles()) {
                return current;
            }
        }
        int generation = latest == null ? 0 : latest + 1;
        latestGeneration.put(windowStart, generation);
        return WindowRecord.open(windowStart, rules.windowEndOf(windowStart), generation);
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
            dropGeneration(windowKey);
        } else {
            windows.put(windowKey, window);
        }
    }

    private void markStaged(BucketEvent e, Context ctx) throws Exception {
        String windowKey = windowKey(e.windowStart, e.generation);
        WindowRecord window = windows.get(windowKey);
        // A late marker of an attempt that timed out has no committable behind it any more.
        if (window != null && window.state == WindowState.PROCESSING && window.isLatestAttempt(e.attempt)) {
            long wallNow = ctx.timerService().currentProcessingTime();
            window.staged(wallNow);
            windows.put(windowKey, window);
            ctx.timerService().registerProcessingTimeTimer(wallNow + rules.processingTimeoutMs());
            windowsStaged.inc();
        }
    }

    private void completeGeneration(BucketEvent e) throws Exception {
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
        Iterator<Map.Entry<String, FileRecord>> it = files.iterator();
        while (it.hasNext()) {
            if (it.next().getValue().belongsTo(e.windowStart, e.generation)) {
                it.remove();
            }
        }
        dropGeneration(windowKey);
        windowsCommitted.inc();
        LOG.info("{}: {} committed ({})", e.namespace, window, e.key);
    }

    private void dropGeneration(String windowKey) throws Exception {
        windows.remove(windowKey);
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
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            dispatchReadyWindows(ctx, out);
        } else {
            retryStuckWindows(ctx, out);
        }
    }

    private void dispatchReadyWindows(OnTimerContext ctx, Collector<CompactionTask> out) throws Exception {
        long now = ctx.timerService().currentWatermark();
        List<String> active = activeWriters(now);
        List<WindowRecord> ready = new ArrayList<>();
        for (WindowRecord window : windows.values()) {
            String writerPrefix = windowKey(window.windowStart, window.generation) + "/";
            ReadinessRule.Verdict verdict = readiness.evaluate(window, now, active,
                    writer -> hasWindowWriter(writerPrefix + writer));
            if (verdict == ReadinessRule.Verdict.READY) {
                ready.add(window);
            }
        }
        for (WindowRecord window : ready) {
            dispatch(window, ctx, out);
        }
    }

    private void retryStuckWindows(OnTimerContext ctx, Collector<CompactionTask> out) throws Exception {
        long wallNow = ctx.timerService().currentProcessingTime();
        List<WindowRecord> stuck = new ArrayList<>();
        for (WindowRecord window : windows.values()) {
            if (window.isStuck(wallNow, rules.processingTimeoutMs())) {
                stuck.add(window);
            }
        }
        for (WindowRecord window : stuck) {
            LOG.warn("{}: {} made no progress for {} ms; back to pending, retrying with the same files",
                    ctx.getCurrentKey(), window, wallNow - window.startedAt);
            window.timedOut("processing timeout after attempt " + window.attempts);
            windowsTimedOut.inc();
            dispatch(window, ctx, out);
        }
    }

    private void dispatch(WindowRecord window, OnTimerContext ctx, Collector<CompactionTask> out) throws Exception {
        String windowKey = windowKey(window.windowStart, window.generation);
        List<SourceFile> frozen = new ArrayList<>(window.fileCount);
        for (Map.Entry<String, FileRecord> entry : files.entries()) {
            if (entry.getValue().belongsTo(window.windowStart, window.generation)) {
                frozen.add(entry.getValue().toSourceFile(entry.getKey()));
            }
        }
        if (frozen.isEmpty()) {
            dropGeneration(windowKey);
            return;
        }
        int attempt = window.attempts;
        long wallNow = ctx.timerService().currentProcessingTime();
        window.dispatched(wallNow);
        windows.put(windowKey, window);
        ctx.timerService().registerProcessingTimeTimer(wallNow + rules.processingTimeoutMs());
        windowsDispatched.inc();
        CompactionTask task = new CompactionTask(ctx.getCurrentKey(), window.windowStart, window.windowEnd,
                window.generation, attempt, frozen);
        LOG.info("{}: dispatching {}", ctx.getCurrentKey(), task);
        out.collect(task);
    }

    private List<String> activeWriters(long now) throws Exception {
        List<String> active = new ArrayList<>();
        for (Map.Entry<String, Long> writer : writers.entries()) {
            if (rules.isWriterActive(writer.getValue(), now)) {
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
        return windowStart + "-g" + generation;
    }
}
