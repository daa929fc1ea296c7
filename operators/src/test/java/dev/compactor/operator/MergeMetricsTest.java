package dev.compactor.operator;

import dev.compactor.merge.StagedWindow;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Merge metrics land in their namespace's group: rows and bytes in and out, quarantined inputs, durations. */
class MergeMetricsTest {

    @Test
    void stagedWindowCountsIntoItsNamespace() {
        Map<String, Metric> metrics = new HashMap<>();
        MergeMetrics merge = new MergeMetrics(new CapturingMetricGroup(metrics));
        assertSame(merge.of("users"), merge.of("users"), "one group per namespace");

        StagedWindow staged = new StagedWindow();
        StagedWindow.Input input = new StagedWindow.Input();
        input.size = 1_000;
        input.rowCount = 40;
        staged.inputs.add(input);
        StagedWindow.Part part = new StagedWindow.Part();
        part.sizeBytes = 700;
        part.rowCount = 40;
        staged.parts.add(part);
        staged.quarantined.add(new StagedWindow.Quarantined());
        merge.of("users").started.inc();
        merge.of("users").staged(staged, 123);

        assertEquals(1, count(metrics, "namespace=users.mergesStarted"));
        assertEquals(1, count(metrics, "namespace=users.mergesSucceeded"));
        assertEquals(40, count(metrics, "namespace=users.rowsIn"));
        assertEquals(40, count(metrics, "namespace=users.rowsOut"));
        assertEquals(1_000, count(metrics, "namespace=users.bytesIn"));
        assertEquals(700, count(metrics, "namespace=users.bytesOut"));
        assertEquals(1, count(metrics, "namespace=users.quarantinedInputs"));
        Histogram durations = (Histogram) metrics.get("namespace=users.mergeDurationMs");
        assertEquals(1, durations.getCount());
        assertEquals(123, durations.getStatistics().getMax());
    }

    private static long count(Map<String, Metric> metrics, String name) {
        return ((Counter) metrics.get(name)).getCount();
    }
}
