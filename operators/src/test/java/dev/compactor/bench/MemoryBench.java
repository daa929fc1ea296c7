package dev.compactor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The DuckDB side of {@code bench/memory-bench.sh}: writes a window with DuckDB (the rows of
 * {@link WritersBenchmark#duckDbSelect}, ZSTD, V1 pages) and checks a merge's output against its inputs.
 * <pre>
 *   MemoryBench generate DIR FILES ROWS_PER_FILE LARGE_FILES LARGE_ROWS DISTINCT WORKERS
 *   MemoryBench check INPUT_GLOB OUTPUT_GLOB
 * </pre>
 * {@code generate}: FILES small files of DuckDB's default row groups (122,880 rows) and LARGE_FILES files of 1 M-row
 * row groups; only the first DISTINCT small files are computed, the others are byte copies of them under their own
 * names (times), which makes a 10 GB window in minutes on two cores. {@code check}: rows and
 * {@code sum(hash(every column))} of both sides, exit status 1 when they differ.
 */
public final class MemoryBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "generate" -> generate(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5]), Integer.parseInt(args[6]),
                    Integer.parseInt(args[7]));
            case "check" -> System.exit(check(args[1], args[2]) ? 0 : 1);
            default -> throw new IllegalArgumentException("generate or check: " + args[0]);
        }
    }

    private static void generate(Path dir, int files, long rows, int largeFiles, long largeRows, int distinct,
                                 int workers) throws Exception {
        Files.createDirectories(dir);
        int all = files + largeFiles;
        int computed = Math.min(distinct, files);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int f = 0; f < all; f++) {
                if (f >= computed && f < files) {
                    continue;
                }
                int file = f;
                boolean large = f >= files;
                done.add(pool.submit(() -> {
                    write(dir.resolve(WritersBenchmark.fileName(file, all)), file, all, large ? largeRows : rows,
                            large ? 1_000_000 : 122_880);
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int f = computed; f < files; f++) {
            Files.copy(dir.resolve(WritersBenchmark.fileName(f % computed, all)),
                    dir.resolve(WritersBenchmark.fileName(f, all)), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void write(Path out, int f, int files, long rows, int rowGroupRows) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
            s.execute("SELECT setseed(" + (f + 1.0) / (files + 2.0) + ")");
            s.execute("COPY (" + WritersBenchmark.duckDbSelect(f, files, rows, false) + ") TO '" + out
                    + "' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE " + rowGroupRows + ")");
        }
    }

    private static boolean check(String inputs, String outputs) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = 2");
            s.execute("SET memory_limit = '2GB'");
            String[] in = summary(s, inputs);
            String[] out = summary(s, outputs);
            boolean same = in[0].equals(out[0]) && in[1].equals(out[1]);
            System.out.printf("input rows %s checksum %s%noutput rows %s checksum %s%nmatch %s%n",
                    in[0], in[1], out[0], out[1], same ? "yes" : "no");
            return same;
        }
    }

    private static String[] summary(Statement s, String glob) throws Exception {
        try (ResultSet r = s.executeQuery("SELECT count(*), sum(hash(ts, writer, seq, user_id, value, payload,"
                + " category)::HUGEINT) FROM read_parquet('" + glob + "')")) {
            r.next();
            return new String[] {r.getString(1), r.getString(2)};
        }
    }
}
