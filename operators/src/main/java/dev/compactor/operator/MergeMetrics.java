package dev.compactor.operator;

import dev.compactor.merge.StagedWindow;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The merge's metrics per namespace, under the group {@code namespace=<ns>}: merges started, succeeded (staged),
 * failed (given up), retried (store errors tried again), rows and bytes in and out, quarantined inputs, and a
 * histogram of merge durations. Updated from the merge threads, so counters are thread-safe and the histogram,
 * which is not, is updated under its namespace's lock.
 */
final class MergeMetrics {

    private static final int DURATION_SAMPLES = 500;

    /** One namespace's metrics. */
    static final class OfNamespace {
        final Counter started;
        final Counter succeeded;
        final Counter failed;
        final Counter retried;
        private final Counter rowsIn;
        private final Counter rowsOut;
        private final Counter bytesIn;
        private final Counter bytesOut;
        private final Counter quarantined;
        private final Histogram durationMs;

        private OfNamespace(MetricGroup group) {
            started = group.counter(CompactorMetrics.NS_MERGES_STARTED, new ThreadSafeSimpleCounter());
            succeeded = group.counter(CompactorMetrics.NS_MERGES_SUCCEEDED, new ThreadSafeSimpleCounter());
            failed = group.counter(CompactorMetrics.NS_MERGES_FAILED, new ThreadSafeSimpleCounter());
            retried = group.counter(CompactorMetrics.NS_MERGES_RETRIED, new ThreadSafeSimpleCounter());
            rowsIn = group.counter(CompactorMetrics.NS_ROWS_IN, new ThreadSafeSimpleCounter());
            rowsOut = group.counter(CompactorMetrics.NS_ROWS_OUT, new ThreadSafeSimpleCounter());
            bytesIn = group.counter(CompactorMetrics.NS_BYTES_IN, new ThreadSafeSimpleCounter());
            bytesOut = group.counter(CompactorMetrics.NS_BYTES_OUT, new ThreadSafeSimpleCounter());
            quarantined = group.counter(CompactorMetrics.NS_QUARANTINED_INPUTS, new ThreadSafeSimpleCounter());
            durationMs = group.histogram(CompactorMetrics.NS_MERGE_DURATION_MS,
                    new DescriptiveStatisticsHistogram(DURATION_SAMPLES));
        }

        void staged(StagedWindow staged, long durationMillis) {
            succeeded.inc();
            rowsIn.inc(staged.inputs.stream().mapToLong(i -> i.rowCount).sum());
            rowsOut.inc(staged.totalRows());
            bytesIn.inc(staged.inputs.stream().mapToLong(i -> i.size).sum());
            bytesOut.inc(staged.parts.stream().mapToLong(p -> p.sizeBytes).sum());
            quarantined.inc(staged.quarantined.size());
            synchronized (this) {
                durationMs.update(durationMillis);
            }
        }
    }

    private final MetricGroup metrics;
    private final Map<String, OfNamespace> namespaces = new ConcurrentHashMap<>();

    MergeMetrics(MetricGroup metrics) {
        this.metrics = metrics;
    }

    OfNamespace of(String namespace) {
        return namespaces.computeIfAbsent(namespace,
                ns -> new OfNamespace(metrics.addGroup(CompactorMetrics.NAMESPACE_GROUP, ns)));
    }
}
