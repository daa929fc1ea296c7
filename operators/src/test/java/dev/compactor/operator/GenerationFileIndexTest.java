package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.window.BackpressureRule;
import dev.compactor.window.FileRecord;
import dev.compactor.window.RetryPolicy;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRecord;
import dev.compactor.window.WindowRules;
import dev.compactor.window.WindowState;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * WindowTracker finds a generation's files through its per-generation index ({@link TrackerState#generationFiles()})
 * rather than by reading the namespace's other pending files: dispatch and commit take exactly the generation's
 * files with many others pending beside them, and generations restored from a savepoint of a build without the
 * index are indexed on first use. On RocksDB, whose state reads are copies, as in production.
 */
class GenerationFileIndexTest {

    private static final long WINDOW = 60_000;
    private static final long MAX_WAIT = 10_000;
    private static final long W0 = 1_700_000_040_000L;
    private static final String NS = "users";
    private static final String WRITER = "w1";
    /** One writer, min-files 1: a window is ready MAX_WAIT after its end. */
    private static final SchedulingRules RULES = new SchedulingRules(
            new WindowRules(WINDOW, MAX_WAIT, 1, 3_600_000, 30_000, 600_000), WindowTrackerTest.PRIORITIES,
            BackpressureRule.runbookDefaults(), new RetryPolicy(3, 0, 0));

    @TempDir
    Path bucket;

    @Test
    void aGenerationDispatchesAndCommitsExactlyItsFilesAmongManyPending() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness = tracker()) {
            harness.open();
            Set<String> g0 = new TreeSet<>();
            for (int i = 0; i < 300; i++) {
                g0.add(send(harness, file(i, W0 + i)).key);
            }
            for (int i = 0; i < 2_000; i++) { // five later windows, still open when W0 goes
                send(harness, file(1_000 + i, W0 + (5 + i % 5) * WINDOW + i));
            }
            // removed while pending: out of the generation
            BucketEvent removed = file(7, W0 + 7);
            harness.processElement(new StreamRecord<>(BucketEvent.fileRemoved(NS, removed.key, removed.fileTimeMillis),
                    removed.fileTimeMillis));
            g0.remove(removed.key);
            // removed and added again while pending: in it once
            BucketEvent readded = file(8, W0 + 8);
            harness.processElement(new StreamRecord<>(BucketEvent.fileRemoved(NS, readded.key, readded.fileTimeMillis),
                    readded.fileTimeMillis));
            send(harness, readded);

            harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT));
            List<CompactionTask> out = harness.extractOutputValues();
            assertEquals(1, out.size(), out::toString);
            assertEquals(g0, keysOf(out.get(0)), "the generation's files, each once, none of the other windows'");
            assertEquals(299, out.get(0).files.size());

            // rewritten after the freeze: joins generation 1, and the commit of generation 0 leaves it
            BucketEvent first = file(0, W0);
            send(harness, BucketEvent.fileAdded(NS, first.key, 150, "etag-v2", WRITER, 0, W0));
            harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0), W0));
            // a repeat of a committed file's notification is tracked anew (not ignored as a duplicate) only if the
            // commit removed its entry
            BucketEvent second = file(1, W0 + 1);
            send(harness, second);
            harness.processWatermark(new Watermark(W0 + 10 * WINDOW + MAX_WAIT));

            out = harness.extractOutputValues();
            // All writers are present in generation 1, so it goes at the commit without waiting for more files.
            assertEquals(8, out.size(), out::toString);
            assertEquals(1, out.get(1).generation);
            assertEquals(Set.of(first.key), keysOf(out.get(1)));
            assertEquals("etag-v2", out.get(1).files.get(0).eTag);
            assertEquals(2, out.get(2).generation);
            assertEquals(Set.of(second.key), keysOf(out.get(2)));
            for (CompactionTask later : out.subList(3, 8)) {
                assertEquals(400, later.files.size(), later::toString);
                assertEquals(0, later.generation);
            }
        }
    }

    /**
     * The tracker remembers a key's open window between its files (not in state); a timer that dispatches the window
     * must make the next file start the next generation, and a status timer that changes nothing must not lose files.
     */
    @Test
    void aFileAfterATimerDispatchedItsWindowJoinsTheNextGeneration() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness = tracker()) {
            harness.open();
            harness.setProcessingTime(0);
            BucketEvent a = send(harness, file(0, W0 + 1));
            harness.setProcessingTime(10_000); // the status timer fires
            BucketEvent b = send(harness, file(1, W0 + 2));
            harness.processWatermark(new Watermark(W0 + WINDOW + MAX_WAIT)); // dispatches generation 0
            BucketEvent c = send(harness, file(2, W0 + 3));
            harness.setProcessingTime(20_000);
            harness.processWatermark(new Watermark(W0 + WINDOW + 3 * MAX_WAIT));

            List<CompactionTask> out = harness.extractOutputValues();
            assertEquals(2, out.size(), out::toString);
            assertEquals(Set.of(a.key, b.key), keysOf(out.get(0)));
            assertEquals(1, out.get(1).generation);
            assertEquals(Set.of(c.key), keysOf(out.get(1)));
        }
    }

    /**
     * A savepoint of a build without the index holds generations with {@code filesIndexed} false: an in-flight one
     * whose commit must remove exactly its files, a pending one that takes more files after the restore, and a
     * pending one of another window. Whichever touches the index first (a file, or a dispatch), all are indexed.
     */
    @ParameterizedTest(name = "a file first: {0}")
    @ValueSource(booleans = {true, false})
    void generationsRestoredWithoutAFileIndexAreIndexedOnFirstUse(boolean fileFirst) throws Exception {
        OperatorSubtaskState oldSavepoint;
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> old = rocksDb(
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new StateWithoutIndex()),
                        e -> e.namespace, Types.STRING))) {
            old.open();
            for (int i = 0; i < 100; i++) {
                send(old, file(i, W0 + i)); // W0 g0, in flight
            }
            for (int i = 100; i < 150; i++) {
                send(old, file(i, W0 + i)); // W0 g1, pending
            }
            for (int i = 150; i < 350; i++) {
                send(old, file(i, W0 + WINDOW + i)); // W0 + WINDOW g0, pending
            }
            oldSavepoint = old.snapshot(1L, 1L);
        }

        try (KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness = tracker()) {
            harness.initializeState(oldSavepoint);
            harness.open();
            BucketEvent late = file(1_000, W0 + 1_000);
            if (fileFirst) {
                send(harness, late);
                harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0), W0));
                harness.processWatermark(new Watermark(W0 + 2 * WINDOW + MAX_WAIT));
            } else {
                harness.processWatermark(new Watermark(W0 + 2 * WINDOW + MAX_WAIT));
                harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS, "m0", W0, 0), W0));
                send(harness, late); // generation 1 is frozen now: generation 2
            }
            // The commit removed exactly generation 0's entries: its files tracked again form a new generation.
            send(harness, file(0, W0));
            send(harness, file(99, W0 + 99));
            harness.processWatermark(new Watermark(W0 + 4 * WINDOW));

            List<CompactionTask> out = harness.extractOutputValues();
            Map<String, Set<String>> byGeneration = out.stream().collect(Collectors.toMap(
                    t -> t.windowStart + "-g" + t.generation, GenerationFileIndexTest::keysOf));
            assertEquals(keys(100, 150, fileFirst ? List.of(late.key) : List.of()), byGeneration.get(W0 + "-g1"));
            assertEquals(keys(150, 350, List.of()), byGeneration.get((W0 + WINDOW) + "-g0"));
            Set<String> again = keys(0, 0, fileFirst ? List.of() : List.of(late.key));
            again.add(file(0, W0).key);
            again.add(file(99, W0 + 99).key);
            assertEquals(again, byGeneration.get(W0 + "-g2"));
            assertEquals(3, out.size(), out::toString);
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> tracker() throws Exception {
        String root = bucket.toString();
        return rocksDb(new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowTracker(RULES,
                () -> new LocalObjectStore(Path.of(root)), BucketLayout.defaults())), e -> e.namespace, Types.STRING));
    }

    private static <T extends KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask>> T rocksDb(
            T harness) {
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
        backend.getMemoryConfiguration().setUseManagedMemory(false);
        harness.setStateBackend(backend);
        return harness;
    }

    private static BucketEvent file(int i, long timeMillis) {
        String key = "data/" + NS + "/" + timeMillis / 1000 + "-" + WRITER + "-" + i + ".parquet";
        return BucketEvent.fileAdded(NS, key, 100, "etag-" + i, WRITER, i, timeMillis);
    }

    private static BucketEvent send(KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness,
                                    BucketEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.fileTimeMillis));
        return e;
    }

    private static Set<String> keysOf(CompactionTask task) {
        List<String> keys = task.files.stream().map(f -> f.key).toList();
        assertEquals(keys.size(), new HashSet<>(keys).size(), "a file listed twice in " + task);
        return new TreeSet<>(keys);
    }

    /** The keys of files {@code from..to-1} of {@link #file} at W0 (+ WINDOW from 150 on), and {@code more}. */
    private static Set<String> keys(int from, int to, List<String> more) {
        Set<String> keys = new TreeSet<>(more);
        for (int i = from; i < to; i++) {
            keys.add(file(i, W0 + (i >= 150 ? WINDOW : 0) + i).key);
        }
        return keys;
    }

    /**
     * Writes what a build without the file index kept (as the state bootstrap still does): files, generations
     * without {@code filesIndexed}, generation counters, window writers, writers, and the readiness timers. Files
     * 0-99 form W0's generation 0, in flight; 100-149 its pending generation 1; the rest W0 + WINDOW's generation 0.
     */
    private static final class StateWithoutIndex extends KeyedProcessFunction<String, BucketEvent, CompactionTask> {
        private transient MapState<String, WindowRecord> windows;
        private transient MapState<Long, Integer> latestGeneration;
        private transient MapState<String, FileRecord> files;
        private transient MapState<String, Boolean> windowWriters;
        private transient MapState<String, Long> writers;

        @Override
        public void open(OpenContext openContext) {
            windows = getRuntimeContext().getMapState(TrackerState.windows());
            latestGeneration = getRuntimeContext().getMapState(TrackerState.latestGeneration());
            files = getRuntimeContext().getMapState(TrackerState.files());
            windowWriters = getRuntimeContext().getMapState(TrackerState.windowWriters());
            writers = getRuntimeContext().getMapState(TrackerState.writers());
        }

        @Override
        public void processElement(BucketEvent e, Context ctx, Collector<CompactionTask> out) throws Exception {
            long windowStart = e.fileTimeMillis / WINDOW * WINDOW;
            int generation = windowStart == W0 && e.seq >= 100 ? 1 : 0;
            String windowKey = TrackerState.windowKey(windowStart, generation);
            WindowRecord window = windows.get(windowKey);
            if (window == null) {
                window = WindowRecord.open(NS, windowStart, windowStart + WINDOW, generation);
                if (windowStart == W0 && generation == 0) {
                    window.state = WindowState.PROCESSING;
                    window.frozen = true;
                    window.attempts = 1;
                    window.startedAt = 1;
                }
            }
            window.addFile(e.size, e.fileTimeMillis);
            windows.put(windowKey, window);
            latestGeneration.put(windowStart, Math.max(generation, latestGeneration.contains(windowStart)
                    ? latestGeneration.get(windowStart) : 0));
            files.put(e.key, new FileRecord(windowStart, generation, e.size, e.eTag, e.writerId, e.seq,
                    e.fileTimeMillis));
            windowWriters.put(windowKey + "/" + e.writerId, Boolean.TRUE);
            writers.put(e.writerId, Math.max(e.fileTimeMillis, writers.contains(e.writerId)
                    ? writers.get(e.writerId) : Long.MIN_VALUE));
            ctx.timerService().registerEventTimeTimer(windowStart + WINDOW + Duration.ofMillis(MAX_WAIT).toMillis());
        }
    }
}
