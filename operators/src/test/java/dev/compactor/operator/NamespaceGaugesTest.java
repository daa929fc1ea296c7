package dev.compactor.operator;

import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.WindowSnapshot;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-namespace gauges follow each key's newest snapshot and sum the shards of a sharded namespace. */
class NamespaceGaugesTest {

    private static NamespaceSnapshot snapshot(String key, String backpressure, WindowSnapshot... windows) {
        return new NamespaceSnapshot(key, "hot", 2, false, 0, backpressure, 300_000, List.of(), List.of(),
                List.of(windows), 0, 0, null);
    }

    private static WindowSnapshot window(long start, String state, int files) {
        return new WindowSnapshot(start, start + 1000, 0, state, files, 0, List.of(), 0, 0, 0, 0, null);
    }

    private static Object value(Map<String, Metric> metrics, String name) {
        return ((Gauge<?>) metrics.get(name)).getValue();
    }

    @Test
    void shardsOfANamespaceAreSummedAndUpdatesReplaceAKeysFigures() {
        Map<String, Metric> metrics = new HashMap<>();
        NamespaceGauges namespaceGauges = new NamespaceGauges(new CapturingMetricGroup(metrics), () -> 10_000);
        namespaceGauges.update(snapshot("hot#0", "none", window(0, "pending", 4), window(0, "failed", 9)));
        namespaceGauges.update(snapshot("hot#1000", "severe", window(1000, "processing", 2)));

        assertEquals(1L, value(metrics, "namespace=hot.pendingWindows"));
        assertEquals(1L, value(metrics, "namespace=hot.processingWindows"));
        assertEquals(1L, value(metrics, "namespace=hot.failedWindows"));
        assertEquals(6L, value(metrics, "namespace=hot.pendingFiles"), "failed windows hold no pending files");
        assertEquals(10_000L, value(metrics, "namespace=hot.oldestWindowAgeMs"));
        assertEquals(2L, value(metrics, "namespace=hot.backpressureLevel"));

        namespaceGauges.update(snapshot("hot#0", "none"));
        assertEquals(0L, value(metrics, "namespace=hot.pendingWindows"));
        assertEquals(9_000L, value(metrics, "namespace=hot.oldestWindowAgeMs"));
    }
}
