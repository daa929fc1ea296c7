package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.merge.CompactionTask;
import dev.compactor.window.BackpressureRule;
import dev.compactor.window.PriorityPolicy;
import dev.compactor.window.RetryPolicy;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRules;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Priorities, backpressure, ordering, failures and retries of WindowTracker, on controlled time. */
class WindowSchedulingTest {

    private static final long WINDOW = 60_000;
    private static final long MAX_WAIT = 10_000;
    private static final long TIMEOUT = 30_000;
    private static final long BACKOFF = 5_000;
    private static final long W0 = 1_700_000_040_000L;
    /** Priority 0 waits 1 s after the window ends, 1: 5 s, 2: 10 s, 3: 30 s. */
    private static final List<Duration> WAITS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30));

    @TempDir
    Path bucket;
    private KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness;

    private void start(Map<String, Integer> priorities, BackpressureRule backpressure, int maxAttempts)
            throws Exception {
        SchedulingRules rules = new SchedulingRules(
                new WindowRules(WINDOW, MAX_WAIT, 1, 600_000, TIMEOUT, 3_600_000),
                new PriorityPolicy(WAITS, 2, priorities), backpressure,
                new RetryPolicy(maxAttempts, BACKOFF, 4 * BACKOFF));
        harness = WindowTrackerTest.newHarness(rules, bucket);
        harness.open();
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static BucketEvent file(String ns, String writer, long seq, long timeMillis) {
        String key = "data/" + ns + "/" + timeMillis / 1000 + "-" + writer + "-" + seq + ".parquet";
        return BucketEvent.fileAdded(ns, key, 100, "e" + seq, writer, seq, timeMillis);
    }

    private void send(BucketEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, Math.max(e.fileTimeMillis, 0)));
    }

    private void watermark(long t) throws Exception {
        harness.processWatermark(new Watermark(t));
    }

    private List<CompactionTask> tasks() {
        return harness.extractOutputValues();
    }

    @Test
    void priorityDecidesTheWaitAfterTheWindowEnds() throws Exception {
        start(Map.of("users", 0), BackpressureRule.runbookDefaults(), 3);
        send(file("users", "w1", 0, W0 + 1_000));
        send(file("logs", "w1", 0, W0 + 1_000));
        watermark(W0 + WINDOW + 999);
        assertTrue(tasks().isEmpty());
        watermark(W0 + WINDOW + 1_000);
        assertEquals(List.of("users"), tasks().stream().map(t -> t.namespace).toList(), "priority 0: 1 min class");
        watermark(W0 + WINDOW + 9_999);
        assertEquals(1, tasks().size());
        watermark(W0 + WINDOW + 10_000);
        assertEquals(List.of("users", "logs"), tasks().stream().map(t -> t.namespace).toList(),
                "default priority 2: its own wait");
    }

    @Test
    void readyWindowsDispatchOldestFirst() throws Exception {
        start(Map.of(), BackpressureRule.runbookDefaults(), 3);
        for (int w = 4; w >= 0; w--) {
            send(file("ns", "w1", w, W0 + w * WINDOW + 1_000));
        }
        watermark(W0 + 10 * WINDOW);
        assertEquals(List.of(W0, W0 + WINDOW, W0 + 2 * WINDOW, W0 + 3 * WINDOW, W0 + 4 * WINDOW),
                tasks().stream().map(t -> t.windowStart).toList());
    }

    @Test
    void backpressureHoldsWindowsByPriorityAndReleasesThemOnCommit() throws Exception {
        start(Map.of("bg", 3, "crit", 0), new BackpressureRule(2, 3), 3);
        for (String ns : List.of("bg", "mid", "crit")) {
            for (int w = 0; w < 5; w++) {
                send(file(ns, "w1", w, W0 + w * WINDOW + 1_000));
            }
        }
        watermark(W0 + 10 * WINDOW);
        assertEquals(2, count("bg"), "background: held from 2 windows in flight (normal)");
        assertEquals(3, count("mid"), "medium: held from 3 windows in flight (severe)");
        assertEquals(5, count("crit"), "critical: never held");

        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted("bg", "m", W0, 0)));
        assertEquals(3, count("bg"), "a commit lowers the level and releases the oldest held window");
        assertEquals(W0 + 2 * WINDOW, tasks().get(tasks().size() - 1).windowStart);
    }

    private long count(String ns) {
        return tasks().stream().filter(t -> t.namespace.equals(ns)).count();
    }

    @Test
    void failedAttemptBacksOffThenRetriesSameFilesAndFailsForGoodAfterMaxAttempts() throws Exception {
        start(Map.of(), BackpressureRule.runbookDefaults(), 2);
        send(file("ns", "w1", 0, W0 + 1_000));
        send(file("ns", "w2", 0, W0 + 2_000));
        watermark(W0 + WINDOW + MAX_WAIT);
        assertEquals(1, tasks().size());

        harness.processElement(new StreamRecord<>(BucketEvent.windowFailed("ns", "f0", W0, 0, 0, "boom")));
        harness.setProcessingTime(1_000 + BACKOFF - 1);
        assertEquals(1, tasks().size(), "backing off");
        harness.setProcessingTime(1_000 + BACKOFF);
        assertEquals(2, tasks().size());
        CompactionTask retry = tasks().get(1);
        assertEquals(1, retry.attempt);
        assertEquals(tasks().get(0).files, retry.files);

        harness.processElement(new StreamRecord<>(BucketEvent.windowFailed("ns", "f1", W0, 0, 1, "boom again")));
        harness.setProcessingTime(1_000 + 100 * BACKOFF);
        watermark(W0 + 100 * WINDOW);
        assertEquals(2, tasks().size(), "two attempts failed: the window is failed and not dispatched again");

        send(file("ns", "w1", 9, W0 + 3_000)); // a late file does not join the failed generation
        watermark(W0 + 101 * WINDOW);
        assertEquals(3, tasks().size());
        assertEquals(1, tasks().get(2).generation);
        assertEquals(1, tasks().get(2).files.size());
    }

    @Test
    void invalidTransitionIsRefusedAndTheWindowCarriesOn() throws Exception {
        start(Map.of(), BackpressureRule.runbookDefaults(), 3);
        send(file("ns", "w1", 0, W0 + 1_000));
        watermark(W0 + WINDOW + MAX_WAIT);
        harness.processElement(new StreamRecord<>(BucketEvent.windowFailed("ns", "f0", W0, 0, 0, "boom")));
        // attempt 0's staged marker arrives after its failure: staging a pending window is not allowed
        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged("ns", "s0", W0, 0, 0)));
        harness.setProcessingTime(1_000 + BACKOFF);
        assertEquals(2, tasks().size(), "still pending, so the retry goes as planned");
    }

    @Test
    void timeoutThatFiresWhileTheMergeFinishesCommitsOnce() throws Exception {
        start(Map.of(), BackpressureRule.runbookDefaults(), 3);
        send(file("ns", "w1", 0, W0 + 1_000));
        watermark(W0 + WINDOW + MAX_WAIT);
        harness.setProcessingTime(1_000 + 2 * TIMEOUT); // attempt 0 timed out: no marker for twice the timeout
        harness.setProcessingTime(1_000 + 2 * TIMEOUT + BACKOFF); // attempt 1 dispatched after the backoff
        assertEquals(2, tasks().size());
        // attempt 0 finishes after all and commits; attempt 1 will find the manifest and do nothing
        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged("ns", "s0", W0, 0, 0)));
        harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted("ns", "m0", W0, 0)));
        harness.processElement(new StreamRecord<>(BucketEvent.windowStaged("ns", "s1", W0, 0, 1)));
        harness.setProcessingTime(1_000 + 10 * TIMEOUT);
        watermark(W0 + 10 * WINDOW);
        assertEquals(2, tasks().size(), "nothing is retried after the commit");
        send(file("ns", "w1", 5, W0 + 2_000));
        watermark(W0 + 11 * WINDOW);
        assertEquals(3, tasks().size());
        assertEquals(1, tasks().get(2).generation, "the committed generation is gone, its number is not reused");
        assertEquals(0, tasks().get(2).attempt);
    }

    @Test
    void rewrittenKeyReplacesThePendingEntry() throws Exception {
        start(Map.of(), BackpressureRule.runbookDefaults(), 3);
        BucketEvent first = file("ns", "w1", 0, W0 + 1_000);
        send(first);
        BucketEvent rewritten = BucketEvent.fileAdded("ns", first.key, 999, "other-etag", "w1", 0, first.fileTimeMillis);
        send(rewritten);
        watermark(W0 + WINDOW + MAX_WAIT);
        assertEquals(1, tasks().get(0).files.size());
        assertEquals(999, tasks().get(0).files.get(0).size);
        assertEquals("other-etag", tasks().get(0).files.get(0).eTag);
    }
}
