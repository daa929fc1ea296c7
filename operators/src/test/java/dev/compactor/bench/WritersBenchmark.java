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
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Merge speed on windows written by every writer the conformance suite uses, warm (in this process, as in a task
 * manager) and cold (whole processes, as a user runs them), each against DuckDB, side by side in one run. Run
 * through bench/writers-bench.sh; docs/benchmarks.md describes the windows and the flags.
 *
 * <p>Writers: parquet-java (parquet-avro, V1 pages, dictionaries), DuckDB with V1 and with V2 pages, arrow-rs
 * (npm parquet-wasm, V1) and hyparquet-writer (npm, V2). Every window has the same seven columns: a timestamp, two
 * strings with dictionaries (one nullable), a random nullable string, two nullable numbers and a required one.
 * Windows: small (F files of R rows, one row group each), large (L files of one 1 M-row row group), sorted (the
 * small window with every file sorted by ts, merged by ts) and tiny (one file of 10,000 rows: the fixed cost of a
 * merge, cold only). Inputs are generated once into --dir and reused, so runs before and after a change read the
 * same bytes.
 *
 * <p>Warm: our {@code ParquetMerger} and DuckDB's {@code COPY} through JDBC in this JVM, after a warm-up. Cold:
 * {@code bin/compactor merge} against a JVM running only DuckDB's {@code COPY} ({@link DuckDbCopy}), each timed from
 * process start to exit. Both sides get the same threads, ZSTD at the same level. Every method runs once per round,
 * in turn; the table shows medians over the rounds.
 */
public final class WritersBenchmark {

    static final List<String> WRITERS = List.of("parquet-java", "duckdb-v1", "duckdb-v2", "parquet-wasm", "hyparquet-writer");
    private static final long WINDOW_START_MS = 1_767_222_000_000L;
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String[] CATEGORIES = {"click", "view", "purchase", "search", "login", "logout", "share", "error"};

    private record Window(String name, int files, int rowsPerFile, boolean sorted) {
        long rows() {
            return (long) files * rowsPerFile;
        }
    }

    private final Path dir;
    private final Path root;
    private final int threads;
    private final int level;
    private final int repeat;
    private final List<String> modes;
    private final String compactor;
    /** writer / window / method → seconds of every round */
    private final Map<String, List<Double>> seconds = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    private WritersBenchmark(Path dir, Path root, int threads, int level, int repeat, List<String> modes, String compactor) {
        this.dir = dir;
        this.root = root;
        this.threads = threads;
        this.level = level;
        this.repeat = repeat;
        this.modes = modes;
        this.compactor = compactor;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("bench/out/writers");
        Path root = Path.of("").toAbsolutePath();
        int files = 100;
        int rows = 20_000;
        int largeFiles = 2;
        int threads = 2;
        int level = 3;
        int repeat = 3;
        int warmUp = 3;
        List<String> writers = WRITERS;
        List<String> windows = List.of("small", "large", "sorted", "tiny");
        List<String> modes = List.of("warm", "cold");
        String compactor = "bin/compactor";
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--dir" -> dir = Path.of(v);
                case "--files" -> files = Integer.parseInt(v);
                case "--rows" -> rows = Integer.parseInt(v);
                case "--large-files" -> largeFiles = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--zstd-level" -> level = Integer.parseInt(v);
                case "--repeat" -> repeat = Integer.parseInt(v);
                case "--warm-up" -> warmUp = Integer.parseInt(v);
                case "--writers" -> writers = List.of(v.split(","));
                case "--windows" -> windows = List.of(v.split(","));
                case "--modes" -> modes = List.of(v.split(","));
                case "--compactor" -> compactor = v;
                default -> throw new IllegalArgumentException("unknown flag " + args[i] + "; use --dir PATH --files N"
                        + " --rows N --large-files N --threads N --zstd-level N --repeat N --warm-up N"
                        + " --writers a,b --windows small,large,sorted,tiny --modes warm,cold --compactor CMD");
            }
        }
        List<Window> all = List.of(new Window("small", files, rows, false), new Window("large", largeFiles, 1_000_000, false),
                new Window("sorted", files, rows, true), new Window("tiny", 1, 10_000, false));
        final List<String> chosen = windows;
        List<Window> selected = all.stream().filter(w -> chosen.contains(w.name)).toList();
        WritersBenchmark bench = new WritersBenchmark(dir.toAbsolutePath(), root, threads, level, repeat, modes, compactor);
        System.out.printf("threads %d each, ZSTD level %d, %d round(s), max heap %d MB, %d cores%n", threads, level, repeat,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        for (String writer : writers) {
            for (Window w : selected) {
                bench.generate(writer, w);
            }
        }
        if (modes.contains("warm") && warmUp > 0) {
            bench.warmUp(writers, selected, warmUp);
        }
        if (modes.contains("cold")) {
            // bin/compactor writes its class-data archive on the first merge after a build; that once is not timed
            Window tiny = all.get(3);
            bench.generate(writers.get(0), tiny);
            long t0 = System.nanoTime();
            bench.oursCold(writers.get(0), tiny);
            System.out.printf("first cold merge after the build (writes bin/compactor's class archive): %.2f s%n",
                    (System.nanoTime() - t0) / 1e9);
        }
        for (int round = 1; round <= repeat; round++) {
            System.out.printf("round %d%n", round);
            for (String writer : writers) {
                for (Window w : selected) {
                    bench.measure(writer, w);
                }
            }
        }
        bench.printTable(writers, selected);
    }

    // ---------------------------------------------------------------- inputs

    private Path windowDir(String writer, Window w) {
        return dir.resolve(writer).resolve(w.name + "-" + w.files + "x" + w.rowsPerFile);
    }

    private List<Path> inputs(String writer, Window w) throws IOException {
        try (Stream<Path> s = Files.list(windowDir(writer, w))) {
            return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    private void generate(String writer, Window w) throws Exception {
        Path out = windowDir(writer, w);
        if (Files.exists(out.resolve("_complete"))) {
            return;
        }
        MergeBenchmark.deleteTree(out);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        switch (writer) {
            case "parquet-java" -> writeParquetJava(out, w);
            case "duckdb-v1" -> writeDuckDb(out, w, "V1");
            case "duckdb-v2" -> writeDuckDb(out, w, "V2");
            case "parquet-wasm", "hyparquet-writer" -> {
                Process p = new ProcessBuilder("node", root.resolve("bench/write-window.mjs").toString(), writer,
                        out.toString(), "" + w.files, "" + w.rowsPerFile, w.sorted ? "1" : "0", "" + (w.name.hashCode() & 0xffff))
                        .inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IOException("node bench/write-window.mjs failed for " + writer);
                }
            }
            default -> throw new IllegalArgumentException("unknown writer " + writer + "; use one of " + WRITERS);
        }
        sync(out);
        Files.createFile(out.resolve("_complete"));
        long bytes = inputs(writer, w).stream().mapToLong(p -> p.toFile().length()).sum();
        System.out.printf("generated %s %s: %d files x %d rows, %.1f MB in %.1f s%n", writer, w.name, w.files,
                w.rowsPerFile, bytes / 1e6, (System.nanoTime() - t0) / 1e9);
    }

    static String fileName(int f, int files) {
        long start = WINDOW_START_MS + (long) f * 3_600_000L / files;
        return String.format(Locale.ROOT, "%d-writer-%d-%05d.parquet", start / 1000, f % 20, f);
    }

    private static void writeParquetJava(Path out, Window w) throws IOException {
        Schema tsMicros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        Schema schema = SchemaBuilder.record("Event").namespace("bench").fields()
                .name("ts").type(tsMicros).noDefault().requiredString("writer").requiredLong("seq")
                .optionalLong("user_id").optionalDouble("value").optionalString("payload").optionalString("category")
                .endRecord();
        Random random = new Random(w.name.hashCode());
        GenericRecord row = new GenericData.Record(schema);
        char[] payload = new char[20];
        long[] ts = new long[w.rowsPerFile];
        for (int f = 0; f < w.files; f++) {
            long fileStart = WINDOW_START_MS + (long) f * 3_600_000L / w.files;
            for (int i = 0; i < ts.length; i++) {
                ts[i] = (fileStart + random.nextInt(600_000)) * 1000 + random.nextInt(1000);
            }
            if (w.sorted) {
                java.util.Arrays.sort(ts);
            }
            try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(
                            new LocalOutputFile(out.resolve(fileName(f, w.files))))
                    .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY).withRowGroupSize(512L << 20)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (int i = 0; i < w.rowsPerFile; i++) {
                    row.put("ts", ts[i]);
                    row.put("writer", "writer-" + f % 20);
                    row.put("seq", (long) i);
                    row.put("user_id", random.nextInt(10) == 0 ? null : (long) random.nextInt(1_000_000));
                    row.put("value", random.nextInt(10) == 0 ? null : random.nextDouble() * 1000);
                    for (int c = 0; c < payload.length; c++) {
                        payload[c] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
                    }
                    row.put("payload", random.nextInt(10) == 0 ? null : new String(payload));
                    row.put("category", random.nextInt(5) == 0 ? null : CATEGORIES[random.nextInt(CATEGORIES.length)]);
                    writer.write(row);
                }
            }
        }
    }

    private static void writeDuckDb(Path out, Window w, String version) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SELECT setseed(0.5)");
            for (int f = 0; f < w.files; f++) {
                s.execute("COPY (" + duckDbSelect(f, w.files, w.rowsPerFile, w.sorted) + ") TO '"
                        + out.resolve(fileName(f, w.files)) + "' (FORMAT parquet,"
                        + " COMPRESSION snappy, ROW_GROUP_SIZE 1000000, PARQUET_VERSION " + version + ")");
            }
        }
    }

    /**
     * DuckDB's rows for file {@code f} of a window of {@code files}: the columns every writer of this benchmark
     * writes (ts, writer, seq, user_id, value, payload, category), the nullable ones with DuckDB's own nulls. Also
     * used by {@link MemoryBench}.
     */
    static String duckDbSelect(int f, int files, long rows, boolean sorted) {
        long fileStartMs = WINDOW_START_MS + (long) f * 3_600_000L / files;
        String select = "SELECT make_timestamp(" + fileStartMs * 1000 + " + (random() * 600000000)::BIGINT) AS ts,"
                + " 'writer-" + f % 20 + "' AS writer, range AS seq,"
                + " CASE WHEN random() < 0.1 THEN NULL ELSE (random() * 1000000)::BIGINT END AS user_id,"
                + " CASE WHEN random() < 0.1 THEN NULL ELSE random() * 1000 END AS value,"
                + " CASE WHEN random() < 0.1 THEN NULL ELSE md5(random()::VARCHAR)[1:20] END AS payload,"
                + " CASE WHEN random() < 0.2 THEN NULL ELSE ['click', 'view', 'purchase', 'search', 'login',"
                + " 'logout', 'share', 'error'][1 + (random() * 7.999)::INT % 8] END AS category"
                + " FROM range(" + rows + ")";
        return sorted ? "SELECT * FROM (" + select + ") ORDER BY ts" : select;
    }

    private static void sync(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                try (FileOutputStream o = new FileOutputStream(p.toFile(), true)) {
                    o.getFD().sync();
                }
            }
        }
    }

    // ---------------------------------------------------------------- methods

    private void warmUp(List<String> writers, List<Window> windows, int times) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            for (String writer : writers) {
                for (Window w : windows) {
                    if (!w.name.equals("tiny")) {
                        oursWarm(writer, w);
                    }
                }
            }
        }
        System.out.printf("warmed up: every window merged %d time(s) in %.1f s%n", times, (System.nanoTime() - t0) / 1e9);
    }

    private void measure(String writer, Window w) throws Exception {
        Map<String, Work> methods = new LinkedHashMap<>();
        if (modes.contains("warm") && !w.name.equals("tiny")) {
            methods.put("warm ours", () -> oursWarm(writer, w));
            methods.put("warm DuckDB", () -> duckdbWarm(writer, w));
            if (w.name.equals("large")) {
                methods.put("warm synced copy", () -> syncedCopy(writer, w));
            }
        }
        if (modes.contains("cold")) {
            methods.put("cold ours", () -> oursCold(writer, w));
            methods.put("cold DuckDB", () -> duckdbCold(writer, w));
        }
        for (Map.Entry<String, Work> m : methods.entrySet()) {
            System.gc();
            long t0 = System.nanoTime();
            String note = m.getValue().run();
            double s = (System.nanoTime() - t0) / 1e9;
            String key = writer + "|" + w.name + "|" + m.getKey();
            seconds.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            if (note != null) {
                notes.put(key, note);
            }
            System.out.printf("  %-16s %-7s %-16s %7.2f s  %s%n", writer, w.name, m.getKey(), s, note == null ? "" : note);
        }
    }

    private Path output(String name) throws IOException {
        Path out = dir.resolve("out").resolve(name);
        Files.createDirectories(out.getParent());
        Files.deleteIfExists(out);
        return out;
    }

    private MergeSettings settings(Window w) {
        long rowGroup = MergeSettings.DEFAULT_ROW_GROUP_SIZE;
        long rowGroupRows = MergeSettings.DEFAULT_ROW_GROUP_ROWS;
        return new MergeSettings(1L << 30, w.sorted ? "ts" : null, 256L << 20, "ZSTD",
                dir.resolve("spill").toString(), rowGroup, MergeSettings.defaultCopyThreshold(rowGroup), rowGroupRows,
                MergeSettings.defaultCopyThreshold(rowGroupRows), threads, level);
    }

    /** Our merge in this JVM: the window's files answer in a scratch bucket through hard links. */
    private String oursWarm(String writer, Window w) throws Exception {
        Path bucket = dir.resolve("bucket");
        MergeBenchmark.deleteTree(bucket);
        LocalObjectStore store = new LocalObjectStore(bucket);
        List<SourceFile> files = new ArrayList<>();
        List<Path> inputs = inputs(writer, w);
        for (int f = 0; f < inputs.size(); f++) {
            String key = "data/bench/" + inputs.get(f).getFileName();
            Path link = store.pathOf(key);
            Files.createDirectories(link.getParent());
            Files.createLink(link, inputs.get(f));
            files.add(new SourceFile(key, Files.size(link), "e" + f, "writer-" + f % 20, f,
                    WINDOW_START_MS + (long) f * 3_600_000L / inputs.size()));
        }
        CompactionTask task = new CompactionTask("bench", WINDOW_START_MS, WINDOW_START_MS + 3_600_000L, 0, 0, files);
        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), settings(w)).merge(task);
        if (staged.totalRows() != w.rows() || !staged.quarantined.isEmpty()) {
            throw new IllegalStateException("merge lost rows or quarantined files: " + staged);
        }
        int rowGroups = 0;
        long bytes = 0;
        for (StagedWindow.Part p : staged.parts) {
            rowGroups += MergeBenchmark.rowGroupsOf(store.pathOf(p.stagingKey));
            bytes += p.sizeBytes;
        }
        MergeBenchmark.deleteTree(bucket);
        return String.format(Locale.ROOT, "%d row groups, %.1f MB", rowGroups, bytes / 1e6);
    }

    private String duckdbWarm(String writer, Window w) throws Exception {
        Path out = output("duckdb-warm.parquet");
        DuckDbCopy.copy(windowDir(writer, w) + "/*.parquet", out, threads, level, w.sorted);
        String note = describe(out, w);
        Files.delete(out);
        return note;
    }

    private String syncedCopy(String writer, Window w) throws IOException {
        Path out = output("copy.bin");
        try (FileOutputStream o = new FileOutputStream(out.toFile())) {
            for (Path in : inputs(writer, w)) {
                Files.copy(in, o);
            }
            o.getFD().sync();
        }
        Files.delete(out);
        return null;
    }

    private String oursCold(String writer, Window w) throws Exception {
        Path out = output("ours-cold.parquet");
        List<String> command = new ArrayList<>(List.of(compactor.split(" ")));
        command.addAll(List.of("merge", "--out", out.toString(), "--threads", "" + threads, "--compression", "ZSTD",
                "--compression-level", "" + level));
        if (w.sorted) {
            command.addAll(List.of("--sort-column", "ts"));
        }
        inputs(writer, w).forEach(p -> command.add(p.toString()));
        run(command);
        String note = describe(out, w);
        Files.delete(out);
        return note;
    }

    private String duckdbCold(String writer, Window w) throws Exception {
        Path out = output("duckdb-cold.parquet");
        // only DuckDB's driver and this class on the classpath: the JVM a JDBC user would start
        String classpath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("duckdb_jdbc") || p.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                DuckDbCopy.class.getName(), windowDir(writer, w) + "/*.parquet", out.toString(), "" + threads,
                "" + level, "" + w.sorted));
        String note = describe(out, w);
        Files.delete(out);
        return note;
    }

    private void run(List<String> command) throws Exception {
        File log = dir.resolve("out").resolve("process.log").toFile();
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " failed: " + Files.readString(log.toPath()));
        }
    }

    private static String describe(Path out, Window w) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(LocalObjectStore.fileInput(out),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            long rows = r.getRowGroups().stream().mapToLong(BlockMetaData::getRowCount).sum();
            if (rows != w.rows()) {
                throw new IllegalStateException(out + " has " + rows + " rows, expected " + w.rows());
            }
            return String.format(Locale.ROOT, "%d row groups, %.1f MB", r.getRowGroups().size(), Files.size(out) / 1e6);
        }
    }

    @FunctionalInterface
    private interface Work {
        String run() throws Exception;
    }

    // ---------------------------------------------------------------- table

    private double median(String writer, Window w, String method) {
        List<Double> s = seconds.get(writer + "|" + w.name + "|" + method);
        if (s == null) {
            return Double.NaN;
        }
        List<Double> sorted = s.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void printTable(List<String> writers, List<Window> windows) {
        System.out.println();
        System.out.println("| writer | window | mode | ours s | DuckDB s | ours/DuckDB | synced copy s | ours/copy | ours out | DuckDB out |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---|---|");
        for (String writer : writers) {
            for (Window w : windows) {
                for (String mode : List.of("warm", "cold")) {
                    double ours = median(writer, w, mode + " ours");
                    double duck = median(writer, w, mode + " DuckDB");
                    if (Double.isNaN(ours)) {
                        continue;
                    }
                    double copy = mode.equals("warm") ? median(writer, w, "warm synced copy") : Double.NaN;
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2fx | %s | %s | %s | %s |%n",
                            writer, w.name + " (" + w.files + " x " + w.rowsPerFile + ")", mode, ours, duck, duck / ours,
                            Double.isNaN(copy) ? "" : String.format(Locale.ROOT, "%.2f", copy),
                            Double.isNaN(copy) ? "" : String.format(Locale.ROOT, "%.2fx", copy / ours),
                            notes.getOrDefault(writer + "|" + w.name + "|" + mode + " ours", ""),
                            notes.getOrDefault(writer + "|" + w.name + "|" + mode + " DuckDB", ""));
                }
            }
        }
        System.out.printf("(medians of %d round(s), seconds from start to the output closed; cold: whole processes from"
                + " start to exit; ratios are speed ratios, above 1 ours is faster; JVM: %s)%n", repeat,
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** DuckDB's COPY, in this JVM (warm) or as the whole process (cold, through {@link #main}). */
    public static final class DuckDbCopy {
        public static void main(String[] args) throws Exception {
            copy(args[0], Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Boolean.parseBoolean(args[4]));
        }

        static void copy(String glob, Path out, int threads, int level, boolean sorted) throws Exception {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                s.execute("SET threads = " + threads);
                s.execute("COPY (SELECT * FROM read_parquet('" + glob + "')" + (sorted ? " ORDER BY ts" : "")
                        + ") TO '" + out + "' (FORMAT parquet, COMPRESSION ZSTD, COMPRESSION_LEVEL " + level + ")");
            }
        }
    }
}
