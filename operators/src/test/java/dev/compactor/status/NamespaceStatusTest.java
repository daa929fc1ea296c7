package dev.compactor.status;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runbook's status JSON from tracker snapshots, including a sharded namespace's shards merged into one. */
class NamespaceStatusTest {

    private static final long H = 3_600_000;
    private static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % H;
    private static final HealthRule RULE = new HealthRule(HealthThresholds.runbookDefaults());

    private static NamespaceSnapshot shard(String key, String backpressure, WindowSnapshot... windows) {
        return new NamespaceSnapshot(key, "users", 2, false, 900_000, backpressure, 300_000, List.of("w1", "w2"),
                List.of("w1"), List.of(windows), 0, 2, null);
    }

    private static WindowSnapshot window(long start, String state, int files, long startedAt) {
        return window(start, state, files, startedAt, 0);
    }

    private static WindowSnapshot window(long start, String state, int files, long startedAt, long progressAt) {
        return new WindowSnapshot(start, start + H, 0, state, files, files * 100L, List.of("w1"), startedAt, 0,
                progressAt, 1, null);
    }

    @Test
    void aMergeThatRunsLongButStillMovesBytesIsNotStuck() {
        long now = T0 + 3 * H;
        NamespaceSnapshot moving = shard("users", "none", window(T0, "processing", 4, now - 900_000, now - 10_000));
        NamespaceStatus s = JobStatus.fromJson(Map.of(moving.trackerKey(), StatusJson.write(moving)))
                .namespace("users", now, RULE).orElseThrow();
        assertEquals(0, s.windowsStuckInProcessing(), "processing for three timeouts, progress 10 s ago");
    }

    @Test
    void shardsMergeIntoOneRunbookStatus() {
        long now = T0 + 3 * H;
        NamespaceSnapshot a = shard("users#" + T0, "none", window(T0, "processing", 4, now - 400_000));
        NamespaceSnapshot b = shard("users#" + (T0 + H), "normal", window(T0 + H, "pending", 5, 0));
        JobStatus job = JobStatus.fromJson(Map.of(a.trackerKey(), StatusJson.write(a),
                b.trackerKey(), StatusJson.write(b)));
        assertTrue(job.isSharded("users"));

        NamespaceStatus s = job.namespace("users", now, RULE).orElseThrow();
        assertEquals(2, s.activeWindows());
        assertEquals(new QueueMetrics(1, 1, 0), s.queueMetrics());
        assertEquals("normal", s.backpressure(), "the worst shard's");
        assertEquals(9, s.totalPendingFiles());
        assertEquals(4, s.quarantinedFiles(), "summed over the shards");
        assertEquals(3 * H, s.oldestWindowAge());
        assertEquals(1, s.windowsStuckInProcessing(), "processing for longer than the 300 s timeout");
        assertEquals(HealthLevel.DEGRADED, s.health().status(), s.health().toString());
        assertEquals(String.valueOf(T0), s.windows().get(0).key());
        assertEquals(Instant.ofEpochMilli(T0).toString(), s.windows().get(0).windowStart());

        String json = StatusJson.write(s);
        for (String field : List.of("\"namespace\":\"users\"", "\"priority\":2", "\"effectiveMaxWaitTimeMs\":900000",
                "\"queueMetrics\":{\"pendingWindows\":1,\"processingWindows\":1,\"dispatchedWindows\":0}",
                "\"health\":{\"status\":\"degraded\"", "\"knownWriters\":[\"w1\",\"w2\"]",
                "\"activeWriters\":[\"w1\"]", "\"windowsStuckInProcessing\":1",
                "\"processingStatus\":{\"state\":\"processing\"")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        assertTrue(job.namespace("orders", now, RULE).isEmpty());
    }

    @Test
    void emptyJobIsHealthy() {
        assertEquals(HealthLevel.HEALTHY, JobStatus.fromJson(Map.of()).health(0, RULE).status());
    }
}
