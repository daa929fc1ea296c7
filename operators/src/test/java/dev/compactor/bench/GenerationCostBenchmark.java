package dev.compactor.bench;

import dev.compactor.events.BucketEvent;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.operator.WindowTracker;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRules;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.FileUtils;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What dispatching and committing one big window generation costs WindowTracker on RocksDB, with other windows of
 * the same namespace pending beside it: the cost should follow the generation's files, not the namespace's.
 * Run through bench/ingest-bench.sh; flags: --files N in the generation (100000), --others N pending elsewhere in the
 * namespace (100000).
 */
public final class GenerationCostBenchmark {

    private static final long HOUR = 3_600_000L;
    private static final long W0 = 1_700_000_000_000L / HOUR * HOUR;
    private static final String NS = "ns";

    private GenerationCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int files = 100_000;
        int others = 100_000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--files" -> files = Integer.parseInt(args[i + 1]);
                case "--others" -> others = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i] + "; use --files N --others N");
            }
        }
        Path bucket = Files.createTempDirectory("generation-cost-");
        try {
            run(files, others, bucket);
        } finally {
            FileUtils.deleteDirectory(bucket.toFile());
        }
    }

    private static void run(int files, int others, Path bucket) throws Exception {
        SchedulingRules defaults = SchedulingRules.runbookDefaults();
        WindowRules w = defaults.windows();
        // One-hour windows that are ready at once when their wait passed, whatever their file count.
        SchedulingRules rules = new SchedulingRules(new WindowRules(HOUR, w.maxWaitMs(), 1, w.writerInactiveAfterMs(),
                w.processingTimeoutMs(), w.forceAfterMs()), defaults.priorities(), defaults.backpressure(),
                defaults.retries());
        String root = bucket.toString();
        WindowTracker tracker = new WindowTracker(rules, () -> new LocalObjectStore(Path.of(root)),
                BucketLayout.defaults());
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness =
                     new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(tracker),
                             e -> e.namespace, Types.STRING)) {
            EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend();
            // The harness gives the operator 3 MB of managed memory, which bounds RocksDB's memtables so tightly that
            // it flushes every few hundred writes and stalls puts (wall time 10-20x the CPU time); a job's slot has
            // hundreds of MB. RocksDB's own defaults are closer to that.
            rocksDb.getMemoryConfiguration().setUseManagedMemory(false);
            harness.setStateBackend(rocksDb);
            harness.open();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long added = System.nanoTime();
            long addedCpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < files; i++) {
                send(harness, W0 + i % HOUR, i);
            }
            // Later windows of the same namespace, still open when the first one is dispatched and committed.
            for (int i = 0; i < others; i++) {
                send(harness, W0 + 10 * HOUR + (i % 10) * HOUR + i % HOUR, files + i);
            }
            double addSeconds = (System.nanoTime() - added) / 1e9;
            double addCpuSeconds = (threads.getCurrentThreadCpuTime() - addedCpu) / 1e9;

            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            harness.processWatermark(new Watermark(W0 + HOUR + rules.priorities().waitAfterEndMs(2) + w.maxWaitMs()));
            double dispatchSeconds = (System.nanoTime() - start) / 1e9;
            double dispatchCpuSeconds = (threads.getCurrentThreadCpuTime() - startCpu) / 1e9;
            int dispatched = harness.extractOutputValues().stream().mapToInt(t -> t.files.size()).sum();

            start = System.nanoTime();
            startCpu = threads.getCurrentThreadCpuTime();
            harness.processElement(new StreamRecord<>(BucketEvent.windowCommitted(NS,
                    "_manifests/" + NS + "/" + W0 + "-g0.json", W0, 0), W0));
            double commitSeconds = (System.nanoTime() - start) / 1e9;
            double commitCpuSeconds = (threads.getCurrentThreadCpuTime() - startCpu) / 1e9;

            // CPU time of the harness thread (RocksDB's gets and puts run on it) beside the wall time: on a shared
            // machine the wall time also counts waiting for a core.
            System.out.printf("one generation of %,d files, %,d more pending in the namespace: added in %.1f s "
                            + "(%.1f µs/file, CPU %.1f µs/file), dispatched (%,d files) in %.3f s (CPU %.3f s), "
                            + "commit applied in %.3f s (CPU %.3f s)%n",
                    files, others, addSeconds, addSeconds * 1e6 / (files + others),
                    addCpuSeconds * 1e6 / (files + others), dispatched, dispatchSeconds, dispatchCpuSeconds,
                    commitSeconds, commitCpuSeconds);
        }
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, BucketEvent, CompactionTask> harness,
                             long fileTime, long i) throws Exception {
        String key = "data/" + NS + "/" + fileTime / 1000 + "-w" + (i % 4) + "-" + i + ".parquet";
        harness.processElement(new StreamRecord<>(BucketEvent.fileAdded(NS, key, 1000, "etag" + i, "w" + (i % 4), i,
                fileTime), fileTime));
    }
}
