package dev.compactor.operator;

import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.WindowSnapshot;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-namespace gauges follow each key's newest snapshot and sum the shards of a sharded namespace. */
class NamespaceGaugesTest {

    /** Keeps every gauge under "key=value.name". */
    private static final class CapturingGroup extends UnregisteredMetricsGroup {
        private final Map<String, Gauge<?>> gauges;
        private final String prefix;

        CapturingGroup(Map<String, Gauge<?>> gauges, String prefix) {
            this.gauges = gauges;
            this.prefix = prefix;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(prefix + name, gauge);
            return gauge;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new CapturingGroup(gauges, prefix + key + "=" + value + ".");
        }
    }

    private static NamespaceSnapshot snapshot(String key, String backpressure, WindowSnapshot... windows) {
        return new NamespaceSnapshot(key, "hot", 2, false, 0, backpressure, 300_000, List.of(), List.of(),
                List.of(windows), 0, 0, null);
    }

    private static WindowSnapshot window(long start, String state, int files) {
        return new WindowSnapshot(start, start + 1000, 0, state, files, 0, List.of(), 0, 0, 0, null);
    }

    @Test
    void shardsOfANamespaceAreSummedAndUpdatesReplaceAKeysFigures() {
        Map<String, Gauge<?>> gauges = new HashMap<>();
        NamespaceGauges namespaceGauges = new NamespaceGauges(new CapturingGroup(gauges, ""), () -> 10_000);
        namespaceGauges.update(snapshot("hot#0", "none", window(0, "pending", 4), window(0, "failed", 9)));
        namespaceGauges.update(snapshot("hot#1000", "severe", window(1000, "processing", 2)));

        assertEquals(1L, gauges.get("namespace=hot.pendingWindows").getValue());
        assertEquals(1L, gauges.get("namespace=hot.processingWindows").getValue());
        assertEquals(1L, gauges.get("namespace=hot.failedWindows").getValue());
        assertEquals(6L, gauges.get("namespace=hot.pendingFiles").getValue(), "failed windows hold no pending files");
        assertEquals(10_000L, gauges.get("namespace=hot.oldestWindowAgeMs").getValue());
        assertEquals(2L, gauges.get("namespace=hot.backpressureLevel").getValue());

        namespaceGauges.update(snapshot("hot#0", "none"));
        assertEquals(0L, gauges.get("namespace=hot.pendingWindows").getValue());
        assertEquals(9_000L, gauges.get("namespace=hot.oldestWindowAgeMs").getValue());
    }
}
