package dev.compactor.job;

import dev.compactor.commit.ParquetCommitSink;
import dev.compactor.deadletter.DeadLetterSink;
import dev.compactor.events.RejectReason;
import dev.compactor.job.source.KinesisNotificationSource;
import dev.compactor.operator.ParseNotifications;
import dev.compactor.events.BucketEvent;
import dev.compactor.events.ObjectEvent;
import dev.compactor.events.Rejection;
import dev.compactor.job.source.BucketWatchSource;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.StagedWindow;
import dev.compactor.operator.AsyncMerge;
import dev.compactor.operator.BucketWatermarks;
import dev.compactor.operator.ClassifyEvents;
import dev.compactor.operator.CompactorTypes;
import dev.compactor.operator.StatusSummary;
import dev.compactor.operator.TrackerKey;
import dev.compactor.operator.WindowTracker;
import dev.compactor.window.BackpressureRule;
import dev.compactor.window.PriorityPolicy;
import dev.compactor.window.RetryPolicy;
import dev.compactor.window.SchedulingRules;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.window.WindowRules;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;
import org.apache.flink.util.ExceptionUtils;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Assembles the job: bucket events (bucket watch, or notifications from Kinesis) → classify → watermarks →
 * WindowTracker (keyed by namespace) → async merge → two-phase commit sink; rejected events → dead letters under
 * _rejected/. Every stateful operator has a stable uid so savepoints restore across versions.
 */
public final class CompactorPipeline {

    /** Operator uids: changing one orphans that operator's state in existing savepoints. */
    public static final String UID_SOURCE = "bucket-watch";
    public static final String UID_KINESIS_SOURCE = "kinesis-notifications";
    public static final String UID_PARSE = "parse-notifications";
    public static final String UID_DEAD_LETTERS = "dead-letters";
    public static final String UID_CLASSIFY = "classify-events";
    public static final String UID_WATERMARKS = "event-time";
    public static final String UID_TRACKER = "window-tracker";
    public static final String UID_MERGE = "async-merge";
    public static final String UID_COMMIT = "commit-sink";
    public static final String UID_STATUS = "status-summary";

    /** Tries of a merge attempt that fails with I/O errors before the attempt gives up (and the window backs off). */
    private static final int MERGE_IO_ATTEMPTS = 3;
    /**
     * In effect no async timeout: Flink's async operator with retries insists on one (it refuses 0), but a timeout
     * would discard a merge that is slow but still moving bytes. AsyncMerge gives up a stalled merge itself.
     */
    private static final long NO_ASYNC_TIMEOUT_MS = Duration.ofDays(365).toMillis();

    private final DataStream<BucketEvent> events;
    private final DataStream<Rejection> rejections;
    private final DataStream<CompactionTask> tasks;
    private final DataStream<StagedWindow> staged;

    private CompactorPipeline(DataStream<BucketEvent> events, DataStream<Rejection> rejections,
                              DataStream<CompactionTask> tasks, DataStream<StagedWindow> staged) {
        this.events = events;
        this.rejections = rejections;
        this.tasks = tasks;
        this.staged = staged;
    }

    public static CompactorPipeline build(StreamExecutionEnvironment env, Configuration conf) {
        return build(env, conf, storeFactory(conf));
    }

    /** The job over any bucket; tests pass a store with planted faults. */
    public static CompactorPipeline build(StreamExecutionEnvironment env, Configuration conf,
                                          ObjectStoreFactory storeFactory) {
        EventSource eventSource = EventSource.parse(conf.get(CompactorOptions.EVENTS_SOURCE));
        if (eventSource == EventSource.KINESIS) {
            SingleOutputStreamOperator<ObjectEvent> parsed = env
                    .fromSource(KinesisNotificationSource.create(conf), WatermarkStrategy.noWatermarks(),
                            "kinesis notifications", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                    .uid(UID_KINESIS_SOURCE)
                    .process(new ParseNotifications(BucketLocation.keyPrefix(conf)), TypeInformation.of(ObjectEvent.class))
                    .uid(UID_PARSE).name("parse notifications");
            return fromObjectEvents(parsed, parsed.getSideOutput(ParseNotifications.REJECTED), conf, storeFactory);
        }
        return fromObjectEvents(bucketWatch(env, conf, storeFactory), null, conf, storeFactory);
    }

    /** Object events of a local bucket: the watcher lists every prefix the job acts on. */
    static DataStream<ObjectEvent> bucketWatch(StreamExecutionEnvironment env, Configuration conf,
                                               ObjectStoreFactory storeFactory) {
        BucketLayout layout = new BucketLayout(conf.get(CompactorOptions.DATA_PREFIX));
        BucketWatchSource source = new BucketWatchSource(storeFactory, layout.eventPrefixes(),
                conf.get(CompactorOptions.POLL_INTERVAL));
        return env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "bucket watch", TypeInformation.of(ObjectEvent.class))
                .uid(UID_SOURCE)
                .setParallelism(1);
    }

    /**
     * Everything after the source: classify, event time, track windows, merge, commit, dead letters.
     * {@code malformed} holds the records a notification source could not parse; null for the bucket watcher.
     */
    static CompactorPipeline fromObjectEvents(DataStream<ObjectEvent> objects, DataStream<Rejection> malformed,
                                              Configuration conf, ObjectStoreFactory storeFactory) {
        BucketLayout layout = new BucketLayout(conf.get(CompactorOptions.DATA_PREFIX));
        SchedulingRules rules = schedulingRules(conf);
        MergeSettings mergeSettings = mergeSettings(conf);

        // Event time is assigned after classification, by one subtask that sees every shard's events, so a shard
        // without traffic cannot hold the watermark back (QuietBucketClock follows the wall clock when quiet).
        SingleOutputStreamOperator<BucketEvent> classified = objects
                .process(new ClassifyEvents(layout))
                .uid(UID_CLASSIFY).name("classify events")
                .setParallelism(1);
        DataStream<BucketEvent> events = classified
                .assignTimestampsAndWatermarks(
                        new BucketWatermarks(conf.get(CompactorOptions.MAX_OUT_OF_ORDERNESS).toMillis()))
                .uid(UID_WATERMARKS).name("event time")
                .setParallelism(1);

        SingleOutputStreamOperator<CompactionTask> tasks = events
                .keyBy(new TrackerKey(Set.copyOf(conf.get(CompactorOptions.SHARDED_NAMESPACES)), rules.windows()),
                        Types.STRING)
                .process(new WindowTracker(rules, storeFactory, layout,
                        conf.get(CompactorOptions.SOURCE_RETENTION).toMillis()), CompactorTypes.COMPACTION_TASK)
                .uid(UID_TRACKER).name("window tracker");
        tasks.getSideOutput(WindowTracker.STATUS)
                .keyBy(StatusSummary.keySelector(), Types.STRING)
                .process(new StatusSummary(), Types.VOID)
                .uid(UID_STATUS).name("status summary")
                .setParallelism(1);

        int capacity = conf.get(CompactorOptions.MAX_CONCURRENT_MERGES);
        // No async timeout in effect: it counts from the dispatch and would discard a merge that is slow but still
        // moving bytes, while the merge went on holding its thread. AsyncMerge gives up a merge that moved no byte
        // for the processing timeout itself, cancelling it; WindowTracker catches an attempt whose markers never
        // arrive.
        DataStream<StagedWindow> staged = AsyncDataStream.unorderedWaitWithRetry(tasks,
                        new AsyncMerge(storeFactory, layout, mergeSettings, capacity, MERGE_IO_ATTEMPTS,
                                rules.windows().processingTimeoutMs()),
                        NO_ASYNC_TIMEOUT_MS, TimeUnit.MILLISECONDS, capacity, mergeRetries())
                .returns(CompactorTypes.STAGED_WINDOW)
                .uid(UID_MERGE).name("merge");

        staged.sinkTo(new ParquetCommitSink(storeFactory, layout, conf.get(CompactorOptions.SOURCE_RETENTION),
                        TableTargets.of(conf)))
                .uid(UID_COMMIT).name("commit");

        DataStream<Rejection> rejections = classified.getSideOutput(ClassifyEvents.REJECTED);
        if (malformed != null) {
            rejections = rejections.union(malformed);
        }
        // Our own compacted outputs are rejections too, after every commit; only errors are worth a dead letter.
        rejections
                .filter((FilterFunction<Rejection>) r -> RejectReason.valueOf(r.reason).isError())
                .name("errors only")
                .setParallelism(1)
                .sinkTo(new DeadLetterSink(storeFactory))
                .uid(UID_DEAD_LETTERS).name("dead letters")
                .setParallelism(1);
        return new CompactorPipeline(events, rejections, tasks, staged);
    }

    /**
     * I/O errors are retried in place. AsyncMerge gives the attempt up itself after {@link #MERGE_IO_ATTEMPTS} tries,
     * so the strategy allows one more and never ends in a job failure.
     */
    private static AsyncRetryStrategy<StagedWindow> mergeRetries() {
        return new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<StagedWindow>(
                MERGE_IO_ATTEMPTS, 1_000L, 30_000L, 2.0)
                .ifException((Predicate<Throwable> & Serializable)
                        t -> ExceptionUtils.findThrowable(t, IOException.class).isPresent())
                .build();
    }

    public static SchedulingRules schedulingRules(Configuration conf) {
        Map<String, Integer> overrides = new TreeMap<>();
        conf.get(CompactorOptions.PRIORITIES).forEach((ns, p) -> overrides.put(ns,
                PriorityPolicy.parse(p, "priority of namespace '" + ns + "' in " + CompactorOptions.PRIORITIES.key())));
        PriorityPolicy priorities = new PriorityPolicy(conf.get(CompactorOptions.PRIORITY_WAITS),
                conf.get(CompactorOptions.DEFAULT_PRIORITY), overrides);
        BackpressureRule backpressure = new BackpressureRule(conf.get(CompactorOptions.BACKPRESSURE_NORMAL),
                conf.get(CompactorOptions.BACKPRESSURE_SEVERE));
        long backoff = conf.get(CompactorOptions.RETRY_BACKOFF).toMillis();
        RetryPolicy retries = new RetryPolicy(conf.get(CompactorOptions.MAX_ATTEMPTS), backoff,
                Math.max(backoff, Duration.ofMinutes(30).toMillis()));
        return new SchedulingRules(windowRules(conf), priorities, backpressure, retries);
    }

    static WindowRules windowRules(Configuration conf) {
        return new WindowRules(
                conf.get(CompactorOptions.WINDOW_SIZE).toMillis(),
                conf.get(CompactorOptions.MAX_WAIT).toMillis(),
                conf.get(CompactorOptions.MIN_FILES),
                conf.get(CompactorOptions.WRITER_INACTIVE_AFTER).toMillis(),
                conf.get(CompactorOptions.PROCESSING_TIMEOUT).toMillis(),
                conf.get(CompactorOptions.FORCE_AFTER).toMillis());
    }

    static MergeSettings mergeSettings(Configuration conf) {
        long rowGroup = conf.get(CompactorOptions.ROW_GROUP_SIZE).getBytes();
        long rowGroupRows = conf.get(CompactorOptions.ROW_GROUP_ROWS);
        return new MergeSettings(
                conf.get(CompactorOptions.TARGET_FILE_SIZE).getBytes(),
                conf.getOptional(CompactorOptions.SORT_COLUMN).orElse(null),
                conf.get(CompactorOptions.MERGE_MEMORY).getBytes(),
                conf.get(CompactorOptions.COMPRESSION),
                "",
                rowGroup,
                conf.getOptional(CompactorOptions.COPY_ROW_GROUP_SIZE).map(MemorySize::getBytes)
                        .orElse(MergeSettings.defaultCopyThreshold(rowGroup)),
                rowGroupRows,
                conf.getOptional(CompactorOptions.COPY_ROW_GROUP_ROWS)
                        .orElse(MergeSettings.defaultCopyThreshold(rowGroupRows)),
                conf.get(CompactorOptions.MERGE_THREADS),
                conf.get(CompactorOptions.COMPRESSION_LEVEL),
                conf.get(CompactorOptions.MERGE_ENGINE));
    }

    /** The bucket option as a store: S3 for s3://bucket/prefix, else a local directory (path or file:// URI). */
    static ObjectStoreFactory storeFactory(Configuration conf) {
        return BucketLocation.storeFactory(conf);
    }

    public DataStream<BucketEvent> events() {
        return events;
    }

    /** Object events the job did not act on, with their reasons. */
    public DataStream<Rejection> rejections() {
        return rejections;
    }

    public DataStream<CompactionTask> tasks() {
        return tasks;
    }

    public DataStream<StagedWindow> staged() {
        return staged;
    }
}
