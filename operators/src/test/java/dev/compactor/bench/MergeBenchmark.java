package dev.compactor.bench;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Merges one generated window of small files with our merger, with DuckDB and by a raw byte copy (the I/O
 * floor), and prints throughput and peak heap side by side. Run through bench/merge-bench.sh.
 *
 * <p>Flags: --files N (1000), --rows N per file (5000), --dir PATH (a fresh temporary directory),
 * --memory-mb N merge memory (256).
 */
public final class MergeBenchmark {

    private static final String NS = "bench";
    private static final long WINDOW_START = 1_767_222_000_000L;
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final int files;
    private final int rowsPerFile;
    private final Path work;
    private final long memoryBytes;
    private final List<Result> results = new ArrayList<>();
    private long inputBytes;

    private MergeBenchmark(int files, int rowsPerFile, Path work, long memoryBytes) {
        this.files = files;
        this.rowsPerFile = rowsPerFile;
        this.work = work;
        this.memoryBytes = memoryBytes;
    }

    public static void main(String[] args) throws Exception {
        int files = 1000;
        int rows = 5000;
        Path dir = null;
        long memoryMb = 256;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--files" -> files = Integer.parseInt(value);
                case "--rows" -> rows = Integer.parseInt(value);
                case "--dir" -> dir = Path.of(value);
                case "--memory-mb" -> memoryMb = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + "; use --files N --rows N --dir PATH --memory-mb N");
            }
        }
        Path work = dir == null ? Files.createTempDirectory("merge-bench-") : Files.createDirectories(dir);
        new MergeBenchmark(files, rows, work, memoryMb << 20).run();
    }

    private void run() throws Exception {
        Path bucket = work.resolve("bucket");
        deleteTree(bucket);
        LocalObjectStore store = new LocalObjectStore(bucket);
        System.out.printf("generating %d files x %d rows under %s%n", files, rowsPerFile, bucket);
        CompactionTask task = generate(store);
        Path inputs = bucket.resolve("data").resolve(NS);
        long rows = (long) files * rowsPerFile;
        System.out.printf("input: %d rows, %.1f MB; merge memory %d MB; max heap %d MB%n", rows, inputBytes / 1e6,
                memoryBytes >> 20, Runtime.getRuntime().maxMemory() >> 20);

        Path spill = Files.createDirectories(work.resolve("spill"));
        measure("ParquetMerger, file order", rows, () -> {
            mergeWith(store, task, null, spill);
        });
        measure("ParquetMerger, sorted by ts", rows, () -> {
            mergeWith(store, task, "ts", spill);
        });
        measure("DuckDB, no order", rows, () -> duckdbCopy(inputs, work.resolve("duck-unsorted.parquet"), false));
        measure("DuckDB, ORDER BY ts", rows, () -> duckdbCopy(inputs, work.resolve("duck-sorted.parquet"), true));
        measure("raw byte copy (I/O floor)", rows, () -> byteCopy(task, store, work.resolve("concatenated.bin")));
        printTable();
        deleteTree(bucket);
        deleteTree(spill);
    }

    private CompactionTask generate(LocalObjectStore store) throws IOException {
        Schema tsMillis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        Schema schema = SchemaBuilder.record("Event").namespace("bench").fields()
                .name("ts").type(tsMillis).noDefault()
                .requiredString("writer").requiredLong("seq").requiredLong("user_id").requiredDouble("value")
                .requiredString("payload").endRecord();
        Random random = new Random(1);
        List<SourceFile> sources = new ArrayList<>();
        GenericRecord row = new GenericData.Record(schema);
        char[] payload = new char[20];
        for (int f = 0; f < files; f++) {
            String writer = "writer-" + f % 20;
            long fileTime = WINDOW_START + (long) f * 3_600_000L / files;
            String key = "data/" + NS + "/" + fileTime / 1000 + "-" + writer + "-" + f + ".parquet";
            Path path = store.pathOf(key);
            Files.createDirectories(path.getParent());
            try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(path))
                    .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (int i = 0; i < rowsPerFile; i++) {
                    // Writers overlap in time, so sorting by ts really interleaves files.
                    row.put("ts", fileTime + random.nextInt(600_000));
                    row.put("writer", writer);
                    row.put("seq", (long) i);
                    row.put("user_id", (long) random.nextInt(1_000_000));
                    row.put("value", random.nextDouble() * 1000);
                    for (int c = 0; c < payload.length; c++) {
                        payload[c] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
                    }
                    row.put("payload", new String(payload));
                    w.write(row);
                }
            }
            long size = Files.size(path);
            inputBytes += size;
            sources.add(new SourceFile(key, size, "e" + f, writer, f, fileTime));
        }
        return new CompactionTask(NS, WINDOW_START, WINDOW_START + 3_600_000L, 0, 0, sources);
    }

    private void mergeWith(LocalObjectStore store, CompactionTask task, String sortColumn, Path spill)
            throws IOException {
        MergeSettings settings = new MergeSettings(128L << 20, sortColumn, memoryBytes, "SNAPPY", spill.toString());
        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), settings).merge(task);
        if (staged.totalRows() != (long) files * rowsPerFile || !staged.quarantined.isEmpty()) {
            throw new IllegalStateException("merge lost rows or quarantined files: " + staged);
        }
        for (StagedWindow.Part p : staged.parts) {
            store.delete(p.stagingKey);
        }
    }

    private static void duckdbCopy(Path inputs, Path output, boolean sorted) throws Exception {
        String source = "read_parquet('" + inputs + "/*.parquet')";
        String query = "SELECT * FROM " + source + (sorted ? " ORDER BY ts" : "");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + query + ") TO '" + output + "' (FORMAT parquet, COMPRESSION snappy)");
        }
        Files.delete(output);
    }

    private static void byteCopy(CompactionTask task, LocalObjectStore store, Path output) throws IOException {
        try (OutputStream out = Files.newOutputStream(output)) {
            for (SourceFile f : task.files) {
                Files.copy(store.pathOf(f.key), out);
            }
        }
        Files.delete(output);
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private void measure(String name, long rows, Work work) throws Exception {
        System.gc();
        Thread.sleep(200);
        HeapSampler sampler = new HeapSampler();
        sampler.start();
        long t0 = System.nanoTime();
        try {
            work.run();
        } finally {
            sampler.stopSampling();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Result r = new Result(name, seconds, rows / seconds, inputBytes / 1e6 / seconds, sampler.peak() >> 20);
        results.add(r);
        System.out.printf("%-30s %7.2f s%n", name, seconds);
    }

    private void printTable() {
        double duckUnsorted = find("DuckDB, no order").seconds;
        double duckSorted = find("DuckDB, ORDER BY ts").seconds;
        System.out.println();
        System.out.printf("| %-28s | %12s | %9s | %8s | %13s | %14s |%n", "method", "rows/s", "MB/s in", "wall s",
                "peak heap MB", "time vs DuckDB");
        System.out.println("|------------------------------|--------------|-----------|----------|---------------|----------------|");
        for (Result r : results) {
            double reference = r.name.contains("sorted by ts") || r.name.contains("ORDER BY") ? duckSorted : duckUnsorted;
            System.out.printf("| %-28s | %12.0f | %9.1f | %8.2f | %13d | %13.2fx |%n", r.name, r.rowsPerSecond,
                    r.mbPerSecond, r.seconds, r.peakHeapMb, r.seconds / reference);
        }
        System.out.println("(time vs DuckDB: sorted runs against DuckDB ORDER BY, others against DuckDB without; "
                + "DuckDB's own memory is native, outside the Java heap)");
    }

    private Result find(String name) {
        return results.stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private record Result(String name, double seconds, double rowsPerSecond, double mbPerSecond, long peakHeapMb) {}

    /** Samples used heap every few milliseconds; the peak includes garbage not yet collected. */
    private static final class HeapSampler extends Thread {
        private volatile boolean running = true;
        private long peak;

        HeapSampler() {
            super("heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopSampling() throws InterruptedException {
            running = false;
            join();
        }

        long peak() {
            return peak;
        }
    }
}
