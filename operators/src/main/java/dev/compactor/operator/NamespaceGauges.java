package dev.compactor.operator;

import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.WindowSnapshot;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Per-namespace gauges of a WindowTracker subtask, under the metric group {@code namespace=<ns>} (a label with the
 * Prometheus reporter): windows by state, pending files, oldest window age, backpressure level. They are read from
 * the figures of each key's newest snapshot, summed over the shards of a sharded namespace on this subtask.
 */
final class NamespaceGauges {

    private static final List<String> BACKPRESSURE_LEVELS = List.of("none", "normal", "severe");

    /** What one tracker key's snapshot said, reduced to the gauges' figures. */
    private record Figures(long pending, long processing, long dispatched, long failed, long pendingFiles,
                           long oldestStart, long backpressure) {

        static Figures of(NamespaceSnapshot s) {
            long pending = 0;
            long processing = 0;
            long dispatched = 0;
            long failed = 0;
            long files = 0;
            long oldest = Long.MAX_VALUE;
            for (WindowSnapshot w : s.windows()) {
                switch (w.state()) {
                    case "pending" -> pending++;
                    case "processing" -> processing++;
                    case "dispatched" -> dispatched++;
                    default -> failed++;
                }
                if (w.isActive()) {
                    files += w.fileCount();
                    oldest = Math.min(oldest, w.windowStart());
                }
            }
            return new Figures(pending, processing, dispatched, failed, files, oldest,
                    BACKPRESSURE_LEVELS.indexOf(s.backpressure()));
        }
    }

    private final MetricGroup metrics;
    private final LongSupplier wallClock;
    /** namespace → tracker key → figures. */
    private final Map<String, Map<String, Figures>> namespaces = new HashMap<>();

    NamespaceGauges(MetricGroup metrics, LongSupplier wallClock) {
        this.metrics = metrics;
        this.wallClock = wallClock;
    }

    void update(NamespaceSnapshot snapshot) {
        namespaces.computeIfAbsent(snapshot.namespace(), this::register)
                .put(snapshot.trackerKey(), Figures.of(snapshot));
    }

    private Map<String, Figures> register(String namespace) {
        Map<String, Figures> shards = new HashMap<>();
        MetricGroup group = metrics.addGroup(CompactorMetrics.NAMESPACE_GROUP, namespace);
        group.gauge(CompactorMetrics.NS_PENDING_WINDOWS, sum(shards, Figures::pending));
        group.gauge(CompactorMetrics.NS_PROCESSING_WINDOWS, sum(shards, Figures::processing));
        group.gauge(CompactorMetrics.NS_DISPATCHED_WINDOWS, sum(shards, Figures::dispatched));
        group.gauge(CompactorMetrics.NS_FAILED_WINDOWS, sum(shards, Figures::failed));
        group.gauge(CompactorMetrics.NS_PENDING_FILES, sum(shards, Figures::pendingFiles));
        group.gauge(CompactorMetrics.NS_BACKPRESSURE_LEVEL, (Gauge<Long>) () -> shards.values().stream()
                .mapToLong(Figures::backpressure).max().orElse(0));
        group.gauge(CompactorMetrics.NS_OLDEST_WINDOW_AGE_MS, (Gauge<Long>) () -> {
            long oldest = shards.values().stream().mapToLong(Figures::oldestStart).min().orElse(Long.MAX_VALUE);
            return oldest == Long.MAX_VALUE ? 0 : Math.max(0, wallClock.getAsLong() - oldest);
        });
        return shards;
    }

    private static Gauge<Long> sum(Map<String, Figures> shards, ToLongFunction<Figures> figure) {
        return () -> shards.values().stream().mapToLong(figure).sum();
    }
}
