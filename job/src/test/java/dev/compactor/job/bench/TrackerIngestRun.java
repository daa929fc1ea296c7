package dev.compactor.job.bench;

import dev.compactor.events.BucketEvent;
import dev.compactor.events.ObjectEvent;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.NeverReadyRules;
import dev.compactor.job.RocksDbMemory;
import dev.compactor.layout.BucketLayout;
import dev.compactor.operator.BucketWatermarks;
import dev.compactor.operator.ClassifyEvents;
import dev.compactor.operator.CompactorTypes;
import dev.compactor.operator.WindowTracker;
import dev.compactor.store.LocalObjectStore;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One ingestion scenario on a fresh MiniCluster: generated R2 notifications → parse → classify → watermarks →
 * keyBy(namespace) → WindowTracker on incremental RocksDB, checkpointing every 10 s. Throughput is timed from the
 * tracker's own input counter, so job startup is excluded; once every event is in, one more checkpoint is taken and
 * the tracker's share of it is the state those files occupy.
 */
final class TrackerIngestRun {

    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final String TRACKER = "window tracker";
    private static final Duration STALL_LIMIT = Duration.ofMinutes(2);
    /** Coarse enough that the polling thread's own CPU stays out of the per-event figure; fine for spans of seconds. */
    private static final long POLL_MILLIS = 20;

    private final long events;
    private final int namespaces;
    private final int trackerParallelism;
    private final Path checkpointDir;
    private final Map<String, String> extraConfiguration;

    /** {@code extraConfiguration} entries override the benchmark's own, e.g. RocksDB tuning options. */
    TrackerIngestRun(long events, int namespaces, int trackerParallelism, Path checkpointDir,
                     Map<String, String> extraConfiguration) {
        this.events = events;
        this.namespaces = namespaces;
        this.trackerParallelism = trackerParallelism;
        this.checkpointDir = checkpointDir;
        this.extraConfiguration = extraConfiguration;
    }

    IngestResult run() throws Exception {
        InMemoryReporter reporter = InMemoryReporter.create();
        Configuration conf = reporter.addToConfiguration(configuration());
        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(trackerParallelism)
                .build();
        try (MiniCluster miniCluster = new MiniCluster(cluster)) {
            miniCluster.start();
            JobGraph job = jobGraph(conf);
            JobID id = miniCluster.submitJob(job).get().getJobID();
            try {
                return measure(miniCluster, reporter, id, trackerVertex(job));
            } finally {
                miniCluster.cancelJob(id).get();
            }
        }
    }

    private Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
        conf.addAll(Configuration.fromMap(extraConfiguration));
        RocksDbMemory.applyDefaults(conf); // as the job sets it, unless --conf set it
        return conf;
    }

    private JobGraph jobGraph(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        BucketLayout layout = new BucketLayout(CompactorOptions.DATA_PREFIX.defaultValue());
        String bucket = checkpointDir.resolve("bucket").toString();
        DataGeneratorSource<String> notifications = new DataGeneratorSource<>(
                new NotificationGenerator(events, namespaces, Instant.now()), Long.MAX_VALUE,
                new EmitThenIdle(events), Types.STRING);

        env.fromSource(notifications, WatermarkStrategy.noWatermarks(), "notifications").setParallelism(1)
                .flatMap(new ParseNotifications(), TypeInformation.of(ObjectEvent.class))
                .name("parse").setParallelism(1)
                .process(new ClassifyEvents(layout)).name("classify").setParallelism(1)
                .assignTimestampsAndWatermarks(new BucketWatermarks(
                        CompactorOptions.MAX_OUT_OF_ORDERNESS.defaultValue().toMillis()))
                .name("event time").setParallelism(1)
                .keyBy((BucketEvent e) -> e.namespace, Types.STRING)
                // An empty bucket beside the checkpoints: the tracker finds no manifest for any window there.
                .process(new WindowTracker(NeverReadyRules.create(), () -> new LocalObjectStore(Path.of(bucket)),
                        layout), CompactorTypes.COMPACTION_TASK)
                .name(TRACKER).setParallelism(trackerParallelism)
                // Its own task, so the checkpoint statistics of the tracker's task are the tracker's alone.
                .sinkTo(new DiscardingSink<>()).name("discard").setParallelism(trackerParallelism).disableChaining();
        return env.getStreamGraph().getJobGraph();
    }

    private static JobVertexID trackerVertex(JobGraph job) {
        for (JobVertex vertex : job.getVertices()) {
            if (vertex.getName().equals(TRACKER)) {
                return vertex.getID();
            }
        }
        throw new IllegalStateException("no job vertex named '" + TRACKER + "'");
    }

    private IngestResult measure(MiniCluster miniCluster, InMemoryReporter reporter, JobID id, JobVertexID tracker)
            throws Exception {
        List<OperatorMetricGroup> trackerMetrics = awaitTrackerMetrics(miniCluster, reporter, id);
        IngestSpan span = awaitAllEvents(miniCluster, id, trackerMetrics);
        long checkpointsDuringIngest = checkpointStats(miniCluster, id).getCounts().getNumberOfCompletedCheckpoints();

        long checkpointId = miniCluster.triggerCheckpoint(id, CheckpointType.CONFIGURED).get();
        long stateBytes = awaitCompletedStats(miniCluster, id, checkpointId).getTaskStateStats(tracker).getStateSize();
        return new IngestResult(namespaces, events, span.events / span.seconds, span.seconds,
                span.cpuSeconds * 1e6 / span.events, checkpointsDuringIngest, stateBytes,
                sum(trackerMetrics, OperatorIOMetricGroup::getNumRecordsOutCounter));
    }

    /** Wall and CPU time from the tracker's first input to its last; events counts the ones in between. */
    private record IngestSpan(long events, double seconds, double cpuSeconds) {}

    private IngestSpan awaitAllEvents(MiniCluster miniCluster, JobID id, List<OperatorMetricGroup> trackerMetrics)
            throws Exception {
        long firstNanos = 0;
        long firstCpuNanos = 0;
        long countAtFirst = 0;
        long lastProgressNanos = System.nanoTime();
        long seen = 0;
        while (seen < events) {
            Thread.sleep(POLL_MILLIS);
            long count = sum(trackerMetrics, OperatorIOMetricGroup::getNumRecordsInCounter);
            long now = System.nanoTime();
            if (firstNanos == 0 && count > 0) {
                firstNanos = now;
                firstCpuNanos = ProcessCpu.nanos();
                countAtFirst = count;
            }
            if (count > seen) {
                seen = count;
                lastProgressNanos = now;
            } else if (now - lastProgressNanos > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException("the tracker took in " + seen + " of " + events
                        + " events and then none for " + STALL_LIMIT.toSeconds() + " s; job status "
                        + miniCluster.getJobStatus(id).get());
            }
        }
        return new IngestSpan(events - countAtFirst, (System.nanoTime() - firstNanos) / 1e9,
                (ProcessCpu.nanos() - firstCpuNanos) / 1e9);
    }

    /** The tracker subtasks' metric groups, which appear once their tasks are deployed. */
    private List<OperatorMetricGroup> awaitTrackerMetrics(MiniCluster miniCluster, InMemoryReporter reporter, JobID id)
            throws Exception {
        while (true) {
            List<OperatorMetricGroup> groups = reporter.findOperatorMetricGroups(id, TRACKER);
            if (groups.size() == trackerParallelism) {
                return groups;
            }
            JobStatus status = miniCluster.getJobStatus(id).get();
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended before the tracker started: " + status);
            }
            Thread.sleep(20);
        }
    }

    private static long sum(List<OperatorMetricGroup> groups, Function<OperatorIOMetricGroup, Counter> counter) {
        long total = 0;
        for (OperatorMetricGroup group : groups) {
            total += counter.apply(group.getIOMetricGroup()).getCount();
        }
        return total;
    }

    private static CheckpointStatsSnapshot checkpointStats(MiniCluster miniCluster, JobID id) throws Exception {
        return miniCluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot();
    }

    /** The statistics of a checkpoint that completed, which reach the history shortly after its future completes. */
    private static CompletedCheckpointStats awaitCompletedStats(MiniCluster miniCluster, JobID id, long checkpointId)
            throws Exception {
        for (int attempt = 0; attempt < 500; attempt++) {
            AbstractCheckpointStats stats =
                    checkpointStats(miniCluster, id).getHistory().getCheckpointById(checkpointId);
            if (stats instanceof CompletedCheckpointStats completed) {
                return completed;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("checkpoint " + checkpointId + " completed but has no statistics");
    }
}
