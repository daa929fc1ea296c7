package dev.compactor.bench;

import com.sun.management.OperatingSystemMXBean;
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
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Merges generated windows with our merger, with DuckDB and by a raw byte copy (the I/O floor), and prints
 * throughput, peak heap and output row groups side by side. Run through bench/merge-bench.sh.
 *
 * <p>Datasets: (a) many small files, (b) few large files (large row groups), (c) (a) with every file sorted by
 * ts and merged sorted by ts. Flags: --scale F (1.0) multiplies the row counts, --dir PATH (a fresh temporary
 * directory), --memory-mb N merge memory (256), --threads N our merge's threads and DuckDB's (2: our merge
 * compresses on a second thread), --duckdb-threads N DuckDB's threads when they should differ,
 * --files N and --rows N the size of (a) and (c) (1000 files of 5000 rows),
 * --datasets S which of a, b, c to run (abc), --methods M which methods to run, comma-separated, of ours, reencode
 * (ours with copying turned off, on (b)), avro, duckdb, copy (all; ours/DuckDB needs duckdb, ours/floor needs
 * copy), --repeat N rounds of every method, in turn (1), of which the fastest is reported, --zstd-level N the
 * ZSTD level of ours and DuckDB (3), --warm-up N windows merged each way before anything is measured (40),
 * --null-one-in N makes user_id, value and payload nullable,
 * null about once in N rows, as writers with nullable Avro fields leave them (0: every column required).
 */
public final class MergeBenchmark {

    private static final String NS = "bench";
    private static final long WINDOW_START = 1_767_222_000_000L;
    /** Our merge of (b) with copying turned off (method family "reencode"). */
    private static final String REENCODE_ALL = "ours, re-encode all";
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String CODEC = "ZSTD";
    private static final List<String> NULLABLE = List.of("user_id", "value", "payload");

    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private record Dataset(String name, int files, int rowsPerFile, boolean sorted) {}

    private record Result(String dataset, String method, double seconds, double cpuSeconds, long rows,
                          long inputBytes, long peakHeapMb, Output output) {}

    /** What a method wrote: row groups (0 for a plain copy) and bytes. */
    private record Output(int rowGroups, long bytes) {}

    private final Path work;
    private final long memoryBytes;
    private final int threads;
    private final int duckdbThreads;
    private final Set<String> methods;
    private final int repeat;
    /** The ZSTD level both our merge and DuckDB compress at. */
    private final int zstdLevel;
    /** 0: every column required; else user_id, value and payload are optional, null about once in this many rows. */
    private final int nullOneIn;
    private final List<Result> results = new ArrayList<>();

    private MergeBenchmark(Path work, long memoryBytes, int threads, int duckdbThreads, Set<String> methods,
                           int repeat, int zstdLevel, int nullOneIn) {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, was " + repeat);
        }
        if (nullOneIn < 0) {
            throw new IllegalArgumentException("--null-one-in must be 0 (no nulls) or more, was " + nullOneIn);
        }
        this.nullOneIn = nullOneIn;
        this.work = work;
        this.memoryBytes = memoryBytes;
        this.threads = threads;
        this.duckdbThreads = duckdbThreads;
        this.methods = methods;
        this.repeat = repeat;
        this.zstdLevel = zstdLevel;
    }

    public static void main(String[] args) throws Exception {
        double scale = 1.0;
        Path dir = null;
        long memoryMb = 256;
        int threads = MergeSettings.DEFAULT_THREADS;
        int duckdbThreads = 0;
        String only = "abc";
        Set<String> methods = Set.of("ours", "reencode", "avro", "duckdb", "copy");
        int smallFiles = 0;
        int smallRows = 5000;
        int repeat = 1;
        int zstdLevel = MergeSettings.DEFAULT_COMPRESSION_LEVEL;
        int nullOneIn = 0;
        int warmUp = 40;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--scale" -> scale = Double.parseDouble(value);
                case "--dir" -> dir = Path.of(value);
                case "--memory-mb" -> memoryMb = Long.parseLong(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--duckdb-threads" -> duckdbThreads = Integer.parseInt(value);
                case "--datasets" -> only = value;
                case "--methods" -> methods = Set.of(value.split(","));
                case "--files" -> smallFiles = Integer.parseInt(value);
                case "--rows" -> smallRows = Integer.parseInt(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--zstd-level" -> zstdLevel = Integer.parseInt(value);
                case "--null-one-in" -> nullOneIn = Integer.parseInt(value);
                case "--warm-up" -> warmUp = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + "; use --scale F --dir PATH --memory-mb N --threads N --duckdb-threads N --datasets abc"
                        + " --methods ours,avro,duckdb,copy --files N --rows N --repeat N --zstd-level N --null-one-in N --warm-up N");
            }
        }
        Path work = dir == null ? Files.createTempDirectory("merge-bench-") : Files.createDirectories(dir);
        int files = smallFiles > 0 ? smallFiles : (int) Math.max(2, 1000 * scale);
        List<Dataset> datasets = List.of(
                new Dataset("(a) " + files + " small files", files, smallRows, false),
                new Dataset("(b) 50 large files", 50, (int) Math.max(1, 200_000 * scale), false),
                new Dataset("(c) (a) sorted by ts", files, smallRows, true));
        duckdbThreads = duckdbThreads > 0 ? duckdbThreads : threads;
        MergeBenchmark bench = new MergeBenchmark(work, memoryMb << 20, threads, duckdbThreads, methods, repeat,
                zstdLevel, nullOneIn);
        System.out.printf("merge memory %d MB, max heap %d MB, threads: ours %d, DuckDB %d, codec %s level %d, scale %.2f%s%n",
                memoryMb, Runtime.getRuntime().maxMemory() >> 20, threads, duckdbThreads, CODEC, zstdLevel, scale,
                nullOneIn == 0 ? "" : ", user_id, value and payload null in 1 of " + nullOneIn + " rows");
        bench.warmUp(warmUp);
        for (Dataset d : datasets) {
            if (only.indexOf(d.name.charAt(1)) >= 0) {
                bench.run(d);
            }
        }
        bench.printTable();
    }

    /**
     * Compiles the hot paths first, so that what is measured is the merge of a running service, not of one
     * half interpreted (DuckDB, native code, needs no warm-up). Code run once per input (footer parsing, opening a
     * file) reaches the JIT's last tier only after thousands of inputs, so {@code windows} windows of 100 files are
     * merged each way: unsorted, sorted, and with every row group copied as bytes.
     */
    private void warmUp(int windows) throws Exception {
        Path bucket = work.resolve("bucket");
        deleteTree(bucket);
        LocalObjectStore store = new LocalObjectStore(bucket);
        int files = 100;
        CompactionTask task = generate(store, new Dataset("warm-up", files, 5000, true));
        Path spill = Files.createDirectories(work.resolve("spill"));
        long t0 = System.nanoTime();
        long jit0 = JIT.getTotalCompilationTime();
        for (int i = 0; i < windows; i++) {
            mergeWith(store, task, null, spill, files * 5000L, -1);
            mergeWith(store, task, "ts", spill, files * 5000L, -1);
            mergeWith(store, task, null, spill, files * 5000L, 0); // every row group copied as bytes
        }
        System.out.printf("warmed up on %d windows of %d files each way in %.1f s, %.1f s of it JIT compiling%n",
                windows, files, (System.nanoTime() - t0) / 1e9, (JIT.getTotalCompilationTime() - jit0) / 1e3);
        deleteTree(bucket);
    }

    private void run(Dataset d) throws Exception {
        Path bucket = work.resolve("bucket");
        deleteTree(bucket);
        LocalObjectStore store = new LocalObjectStore(bucket);
        long t0 = System.nanoTime();
        CompactionTask task = generate(store, d);
        syncToDisk(store, task);
        long inputBytes = task.files.stream().mapToLong(f -> f.size).sum();
        long rows = (long) d.files * d.rowsPerFile;
        System.out.printf("%s: %d files x %d rows, %.1f MB, generated in %.1f s%n", d.name, d.files, d.rowsPerFile,
                inputBytes / 1e6, (System.nanoTime() - t0) / 1e9);
        Path inputs = bucket.resolve("data").resolve(NS);
        Path spill = Files.createDirectories(work.resolve("spill"));
        String sortColumn = d.sorted ? "ts" : null;
        Map<String, Work> works = new LinkedHashMap<>();
        works.put("ours", () -> mergeWith(store, task, sortColumn, spill, rows, -1));
        if (d.files <= 50) {
            // the same window with copying turned off: what re-encoding large row groups costs
            works.put(REENCODE_ALL, () -> mergeWith(store, task, null, spill, rows, Long.MAX_VALUE));
        } else if (!d.sorted) {
            // the small-file case is where re-encoding speed matters
            works.put("parquet-avro rows", () -> avroReencode(store, task, work.resolve("avro.parquet")));
        }
        works.put("DuckDB", () -> duckdbCopy(inputs, work.resolve("duck.parquet"), d.sorted));
        works.put("raw byte copy", () -> byteCopy(task, store, work.resolve("concatenated.bin"), false));
        works.put("raw byte copy, synced", () -> byteCopy(task, store, work.resolve("concatenated.bin"), true));
        works.keySet().removeIf(method -> !methods.contains(familyOf(method)));
        // rounds take every method in turn, so a slow spell of a shared machine does not fall on one method only
        Map<String, Result> best = new LinkedHashMap<>();
        for (int round = 1; round <= repeat; round++) {
            for (Map.Entry<String, Work> w : works.entrySet()) {
                Result r = measure(d, w.getKey(), rows, inputBytes, w.getValue());
                best.merge(w.getKey(), r, (a, b) -> b.seconds < a.seconds ? b : a);
            }
        }
        results.addAll(best.values());
        deleteTree(bucket);
        deleteTree(spill);
    }

    private CompactionTask generate(LocalObjectStore store, Dataset d) throws IOException {
        Schema tsMillis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("Event").namespace("bench").fields()
                .name("ts").type(tsMillis).noDefault().requiredString("writer").requiredLong("seq");
        Schema schema = (nullOneIn == 0
                ? fields.requiredLong("user_id").requiredDouble("value").requiredString("payload")
                : fields.optionalLong("user_id").optionalDouble("value").optionalString("payload")).endRecord();
        Random random = new Random(1);
        List<SourceFile> sources = new ArrayList<>();
        GenericRecord row = new GenericData.Record(schema);
        char[] payload = new char[20];
        long[] ts = new long[d.rowsPerFile];
        for (int f = 0; f < d.files; f++) {
            String writer = "writer-" + f % 20;
            long fileTime = WINDOW_START + (long) f * 3_600_000L / d.files;
            String key = "data/" + NS + "/" + fileTime / 1000 + "-" + writer + "-" + f + ".parquet";
            Path path = store.pathOf(key);
            Files.createDirectories(path.getParent());
            for (int i = 0; i < ts.length; i++) {
                // writers overlap in time, so sorting by ts really interleaves files
                ts[i] = fileTime + random.nextInt(600_000);
            }
            if (d.sorted) {
                Arrays.sort(ts);
            }
            try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(path))
                    .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (int i = 0; i < d.rowsPerFile; i++) {
                    row.put("ts", ts[i]);
                    row.put("writer", writer);
                    row.put("seq", (long) i);
                    row.put("user_id", (long) random.nextInt(1_000_000));
                    row.put("value", random.nextDouble() * 1000);
                    for (int c = 0; c < payload.length; c++) {
                        payload[c] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
                    }
                    row.put("payload", new String(payload));
                    if (nullOneIn > 0) {
                        for (String column : NULLABLE) {
                            if (random.nextInt(nullOneIn) == 0) {
                                row.put(column, null);
                            }
                        }
                    }
                    w.write(row);
                }
            }
            sources.add(new SourceFile(key, Files.size(path), "e" + f, writer, f, fileTime));
        }
        return new CompactionTask(NS, WINDOW_START, WINDOW_START + 3_600_000L, 0, 0, sources);
    }

    /**
     * Forces the generated inputs to disk, so the first method measured does not share the disk with the kernel
     * writing back hundreds of megabytes the generator just wrote (a synced write then waits behind them).
     */
    private static void syncToDisk(LocalObjectStore store, CompactionTask task) throws IOException {
        for (SourceFile f : task.files) {
            try (FileChannel channel = FileChannel.open(store.pathOf(f.key), StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }

    /** @param copyBytes copy threshold, -1 for the defaults, Long.MAX_VALUE to copy nothing */
    private Output mergeWith(LocalObjectStore store, CompactionTask task, String sortColumn, Path spill, long rows,
                             long copyBytes) throws IOException {
        long rowGroup = MergeSettings.DEFAULT_ROW_GROUP_SIZE;
        long rowGroupRows = MergeSettings.DEFAULT_ROW_GROUP_ROWS;
        MergeSettings settings = new MergeSettings(1L << 30, sortColumn, memoryBytes, CODEC, spill.toString(), rowGroup,
                copyBytes < 0 ? MergeSettings.defaultCopyThreshold(rowGroup) : copyBytes, rowGroupRows,
                copyBytes == Long.MAX_VALUE ? Long.MAX_VALUE : MergeSettings.defaultCopyThreshold(rowGroupRows),
                threads, zstdLevel);
        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), settings).merge(task);
        if (staged.totalRows() != rows || !staged.quarantined.isEmpty()) {
            throw new IllegalStateException("merge lost rows or quarantined files: " + staged);
        }
        int rowGroups = 0;
        long bytes = 0;
        for (StagedWindow.Part p : staged.parts) {
            rowGroups += rowGroupsOf(store.pathOf(p.stagingKey));
            bytes += p.sizeBytes;
            store.delete(p.stagingKey);
        }
        return new Output(rowGroups, bytes);
    }

    /**
     * The re-encode the column-wise path replaced, for comparison: every row read into an Avro GenericRecord and
     * written back through parquet-avro, into one file with the same codec and row-group size.
     */
    private static Output avroReencode(LocalObjectStore store, CompactionTask task, Path output) throws IOException {
        Schema schema;
        try (ParquetFileReader r = ParquetFileReader.open(store.inputFile(task.files.get(0).key),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            schema = new Schema.Parser().parse(r.getFileMetaData().getKeyValueMetaData().get("parquet.avro.schema"));
        }
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(output))
                .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withCompressionCodec(CompressionCodecName.valueOf(CODEC))
                .withRowGroupSize(MergeSettings.DEFAULT_ROW_GROUP_SIZE)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (SourceFile f : task.files) {
                try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(store.inputFile(f.key),
                        new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
                    for (GenericRecord g = r.read(); g != null; g = r.read()) {
                        w.write(g);
                    }
                }
            }
        }
        Output written = new Output(rowGroupsOf(output), Files.size(output));
        Files.delete(output);
        return written;
    }

    private Output duckdbCopy(Path inputs, Path output, boolean sorted) throws Exception {
        String query = "SELECT * FROM read_parquet('" + inputs + "/*.parquet')" + (sorted ? " ORDER BY ts" : "");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = " + duckdbThreads);
            s.execute("COPY (" + query + ") TO '" + output + "' (FORMAT parquet, COMPRESSION " + CODEC + ", COMPRESSION_LEVEL " + zstdLevel + ")");
        }
        Output written = new Output(rowGroupsOf(output), Files.size(output));
        Files.delete(output);
        return written;
    }

    /** @param sync force the copy to disk before closing it, as the store does with every staged part */
    private static Output byteCopy(CompactionTask task, LocalObjectStore store, Path output, boolean sync)
            throws IOException {
        try (FileOutputStream out = new FileOutputStream(output.toFile())) {
            for (SourceFile f : task.files) {
                Files.copy(store.pathOf(f.key), out);
            }
            if (sync) {
                out.getFD().sync();
            }
        }
        Output written = new Output(0, Files.size(output));
        Files.delete(output);
        return written;
    }

    static int rowGroupsOf(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(LocalObjectStore.fileInput(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            return r.getRowGroups().size();
        }
    }

    @FunctionalInterface
    private interface Work {
        Output run() throws Exception;
    }

    private static String familyOf(String method) {
        return method.equals(REENCODE_ALL) ? "reencode" : method.equals("ours") ? "ours"
                : method.startsWith("parquet-avro") ? "avro"
                : method.equals("DuckDB") ? "duckdb" : "copy";
    }

    private Result measure(Dataset d, String method, long rows, long inputBytes, Work work) throws Exception {
        System.gc();
        Thread.sleep(200);
        HeapSampler sampler = new HeapSampler();
        sampler.start();
        // the whole process's CPU: DuckDB runs inside it too, and a merge's prefetch and sync threads count
        long cpu0 = PROCESS.getProcessCpuTime();
        long threadCpu0 = THREADS.getCurrentThreadCpuTime();
        long jit0 = JIT.getTotalCompilationTime();
        long t0 = System.nanoTime();
        Output output;
        try {
            output = work.run();
        } finally {
            sampler.stopSampling();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (PROCESS.getProcessCpuTime() - cpu0) / 1e9;
        // the measuring thread's own CPU (without other threads, garbage collection or time stolen by the host)
        double threadCpuSeconds = (THREADS.getCurrentThreadCpuTime() - threadCpu0) / 1e9;
        // what the JIT compiler still spent: code run once per input reaches its last tier only after many windows
        System.out.printf("  %-20s %7.2f s, CPU %6.2f s, this thread's CPU %6.2f s, JIT compiling %5.2f s%n", method,
                seconds, cpuSeconds, threadCpuSeconds, (JIT.getTotalCompilationTime() - jit0) / 1e3);
        return new Result(d.name, method, seconds, cpuSeconds, rows, inputBytes, sampler.peak() >> 20, output);
    }

    private void printTable() {
        System.out.println();
        System.out.println("| dataset | method | rows/s | MB/s in | wall s | CPU s | peak heap MB | MB out | row groups out | ours/DuckDB | ours/floor |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            Result duck = find(r.dataset, "DuckDB");
            Result floor = find(r.dataset, "raw byte copy");
            boolean ours = r.method.startsWith("ours");
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.2f | %.2f | %d | %.1f | %s | %s | %s |%n",
                    r.dataset, r.method, r.rows / r.seconds, r.inputBytes / 1e6 / r.seconds, r.seconds, r.cpuSeconds,
                    r.peakHeapMb,
                    r.output.bytes / 1e6, r.output.rowGroups == 0 ? "-" : Integer.toString(r.output.rowGroups),
                    ours && duck != null ? String.format(Locale.ROOT, "%.2fx", duck.seconds / r.seconds) : "",
                    ours && floor != null ? String.format(Locale.ROOT, "%.2fx", floor.seconds / r.seconds) : "");
        }
        System.out.println("(ours/DuckDB and ours/floor are speed ratios: above 1 means ours is faster; the floor is the "
                + "unsynced raw copy, while our staged parts are synced to disk. Wall and CPU s are of the fastest of "
                + repeat + " round(s); CPU s is the whole process's. Peak heap is sampled JVM heap, garbage included; "
                + "DuckDB's memory is native, outside it.)");
    }

    private Result find(String dataset, String method) {
        return results.stream().filter(r -> r.dataset.equals(dataset) && r.method.equals(method)).findFirst()
                .orElse(null);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

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
