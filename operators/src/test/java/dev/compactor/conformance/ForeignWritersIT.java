package dev.compactor.conformance;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.LocalObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * DESIGN.md invariant 8 for files that parquet-java did not write: DuckDB's own files (V1 and V2 pages, small
 * row groups) and, through {@code it/writers/write-foreign.mjs}, parquet-wasm (arrow-rs) under several writer
 * properties and hyparquet-writer. The three files of each writer configuration are merged as one window, with
 * each engine, unsorted and sorted by {@code ts}, and DuckDB must read the merged parts exactly as it reads the
 * inputs: the same column types and the same rows.
 *
 * <p>The node writers must be installed under {@code it/node_modules} ({@code npm ci --prefix it}, which .ci/run
 * does) and {@code node} must be on the PATH.
 */
class ForeignWritersIT {

    private static final Path IT = Path.of("..", "it").toAbsolutePath().normalize();
    private static final List<String> NODE_PACKAGES = List.of("apache-arrow", "parquet-wasm", "hyparquet-writer");
    /** {@code <config>-<file>.parquet}, as both the node script and {@link #writeDuckDbFiles} name them. */
    private static final Pattern FILE_NAME = Pattern.compile("(.+)-(\\d+)\\.parquet");
    private static final String SORT_COLUMN = "ts";
    private static final String NS = "ns1";
    private static final long WINDOW_START = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000L;

    /** DuckDB writes row groups in whole vectors of 2,048 rows, so its files need more rows for several. */
    private static final int[] DUCKDB_ROWS = {300, 2500, 5000};
    private static final Map<String, String> DUCKDB_OPTIONS = Map.of(
            "duckdb-v1-snappy", "PARQUET_VERSION v1, ROW_GROUP_SIZE 1000, COMPRESSION snappy",
            "duckdb-v2-zstd", "PARQUET_VERSION v2, ROW_GROUP_SIZE 1000, COMPRESSION zstd");

    /** DuckDB's reading of each configuration's inputs, the same for its four merges. */
    private static final Map<String, Reading> INPUTS = new ConcurrentHashMap<>();

    @TempDir
    static Path written;
    @TempDir
    static Path scratch;

    @BeforeAll
    static void writeFiles() throws Exception {
        writeNodeFiles(written);
        writeDuckDbFiles(written);
        // without DuckDB reading an input there is nothing to compare with: a writer configuration to change
        try (Stream<Path> files = Files.list(written)) {
            for (Path f : files.toList()) {
                DuckDbReadBack.readFailure(f).ifPresent(e -> fail("DuckDB cannot read the input " + f + ": " + e));
            }
        }
    }

    @TestFactory
    Stream<DynamicContainer> mergedPartsReadLikeTheirInputsInDuckDb() throws IOException {
        return configurations().entrySet().stream().map(c -> DynamicContainer.dynamicContainer(c.getKey(),
                Stream.of(MergeSettings.Engine.values()).flatMap(engine -> Stream.of(null, SORT_COLUMN).map(sort ->
                        named(c.getKey() + " " + engine + (sort == null ? " unsorted" : " sorted by " + sort),
                                () -> mergeAndCompare(c.getKey(), c.getValue(), engine, sort))))));
    }

    /** A test whose failure message starts with its name: the build's reports name dynamic tests by their factory. */
    private static DynamicTest named(String name, Executable test) {
        return DynamicTest.dynamicTest(name, () -> {
            try {
                test.execute();
            } catch (Throwable e) {
                throw new AssertionError(name + ": " + e.getMessage(), e);
            }
        });
    }

    private static void mergeAndCompare(String config, List<Path> inputs, MergeSettings.Engine engine,
                                        String sortColumn) throws IOException {
        Path root = Files.createDirectories(scratch.resolve(config + "-" + engine + "-" + sortColumn));
        LocalObjectStore store = new LocalObjectStore(root.resolve("bucket"));
        List<SourceFile> files = new ArrayList<>();
        for (int seq = 0; seq < inputs.size(); seq++) {
            long fileTime = WINDOW_START + 1000L * seq;
            String key = "data/" + NS + "/" + fileTime / 1000 + "-foreign-" + seq + ".parquet";
            byte[] bytes = Files.readAllBytes(inputs.get(seq));
            store.write(key, bytes);
            files.add(new SourceFile(key, bytes.length, "etag-" + seq, "foreign", seq, fileTime));
        }
        MergeSettings settings = new MergeSettings(128L << 20, sortColumn, 64L << 20, "ZSTD",
                Files.createDirectories(root.resolve("spill")).toString()).withEngine(engine);

        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), settings)
                .merge(new CompactionTask(NS, WINDOW_START, WINDOW_START + 3_600_000L, 0, 0, files));

        assertTrue(staged.quarantined.isEmpty(), () -> "quarantined: " + staged.quarantined.stream()
                .map(q -> q.key + ": " + q.reason).collect(Collectors.joining("; ")));
        Path[] parts = staged.parts.stream().map(p -> store.pathOf(p.stagingKey)).toArray(Path[]::new);
        assertTrue(parts.length > 0, "no parts");
        for (Path part : parts) {
            assertEquals(Optional.empty(), DuckDbReadBack.readFailure(part), "DuckDB cannot read the merged part");
        }
        Reading expected = INPUTS.computeIfAbsent(config, k -> Reading.of(inputs.toArray(Path[]::new)));
        Reading merged = Reading.of(parts);
        assertSameTypes(expected.types(), merged.types());
        if (sortColumn == null) {
            assertSameRows(expected.rows(), merged.rows(), "rows in file order");
        } else {
            assertSameRows(expected.rows().stream().sorted().toList(), merged.rows().stream().sorted().toList(),
                    "rows as a multiset");
            firstOutOfOrder(parts, sortColumn).ifPresent(row -> fail("not sorted by " + sortColumn + ": " + row));
        }
    }

    private record Reading(List<String> types, List<String> rows) {
        static Reading of(Path... files) {
            return new Reading(DuckDbReadBack.columnTypes(files), DuckDbReadBack.rows(files));
        }
    }

    /** Like assertEquals on the lists, but names only the columns that differ. */
    private static void assertSameTypes(List<String> expected, List<String> actual) {
        if (!expected.equals(actual)) {
            List<String> changed = new ArrayList<>();
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                String in = i < expected.size() ? expected.get(i) : "(none)";
                String out = i < actual.size() ? actual.get(i) : "(none)";
                if (!in.equals(out)) {
                    changed.add(in + " -> " + out);
                }
            }
            fail("column types differ (input -> merged): " + String.join(", ", changed));
        }
    }

    /** Like assertEquals on the lists, but names the first differing row instead of printing thousands. */
    private static void assertSameRows(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail(what + ": first difference at row " + i + "\n  input:  " + expected.get(i)
                        + "\n  merged: " + actual.get(i));
            }
        }
        assertEquals(expected.size(), actual.size(), what + ": row count");
    }

    /** The first row, in the parts' order, that is out of the merge's order: nulls first, then ascending. */
    private static Optional<String> firstOutOfOrder(Path[] parts, String column) throws IOException {
        String files = Stream.of(parts).map(p -> "'" + p.toAbsolutePath() + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        String sql = "SELECT file_index, file_row_number, prev, " + column + " FROM (SELECT file_index, file_row_number, "
                + column + ", lag(" + column + ") OVER (ORDER BY file_index, file_row_number) AS prev"
                + " FROM read_parquet(" + files + ")) WHERE (" + column + " IS NULL AND prev IS NOT NULL) OR "
                + column + " < prev ORDER BY file_index, file_row_number LIMIT 1";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            return r.next() ? Optional.of("part " + r.getLong(1) + " row " + r.getLong(2) + ": " + r.getString(4)
                    + " after " + r.getString(3)) : Optional.empty();
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }

    /** The written files by configuration, each configuration's files in file order. */
    private static Map<String, List<Path>> configurations() throws IOException {
        Map<String, List<Path>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(written)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = FILE_NAME.matcher(f.getFileName().toString());
                assertTrue(m.matches(), "unexpected file " + f);
                out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    private static void writeNodeFiles(Path dir) throws Exception {
        for (String p : NODE_PACKAGES) {
            if (!Files.isDirectory(IT.resolve("node_modules").resolve(p))) {
                throw new IllegalStateException(p + " is not installed under " + IT.resolve("node_modules")
                        + "; run `npm ci --prefix it` in the repository root");
            }
        }
        Path log = scratch.resolve("write-foreign.log");
        Process node;
        try {
            node = new ProcessBuilder("node", IT.resolve("writers/write-foreign.mjs").toString(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run node (Node 20 must be on the PATH): " + e.getMessage(), e);
        }
        if (!node.waitFor(2, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new IllegalStateException("write-foreign.mjs did not finish within 2 minutes: " + Files.readString(log));
        }
        if (node.exitValue() != 0) {
            throw new IllegalStateException("write-foreign.mjs exited with " + node.exitValue() + ": "
                    + Files.readString(log));
        }
    }

    /**
     * DuckDB's own files: every column nullable, values drawn from a hash of the row and file, so that each file
     * differs and has NaN, -0, infinities, extremes, empty strings, empty lists and maps.
     */
    private static void writeDuckDbFiles(Path dir) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
            for (Map.Entry<String, String> config : DUCKDB_OPTIONS.entrySet()) {
                for (int file = 0; file < DUCKDB_ROWS.length; file++) {
                    Path out = dir.resolve(config.getKey() + "-" + file + ".parquet");
                    // h(i, k): the k-th non-negative BIGINT drawn for row i of this file
                    s.execute("CREATE OR REPLACE TEMP MACRO h(i, k) AS (hash(i, k, " + file + ") >> 1)::BIGINT");
                    s.execute("COPY (" + duckDbRows(file, DUCKDB_ROWS[file]) + ") TO '" + out
                            + "' (FORMAT parquet, " + config.getValue() + ")");
                }
            }
        }
    }

    private static String duckDbRows(int file, int rows) {
        return """
                SELECT
                  %1$d * 1000000 + i AS id,
                  CASE WHEN h(i, 1) %% 10 = 0 THEN NULL WHEN h(i, 2) %% 20 = 0 THEN 9223372036854775807
                       ELSE h(i, 3) - 4611686018427387904 END AS i64,
                  CASE WHEN h(i, 4) %% 10 = 0 THEN NULL ELSE h(i, 5) %% 4294967296 - 2147483648 END::INTEGER AS i32,
                  CASE WHEN h(i, 6) %% 10 = 0 THEN NULL ELSE h(i, 7) %% 65536 - 32768 END::SMALLINT AS i16,
                  CASE WHEN h(i, 8) %% 10 = 0 THEN NULL ELSE h(i, 9) %% 4294967296 END::UINTEGER AS u32,
                  CASE h(i, 10) %% 12 WHEN 0 THEN NULL WHEN 1 THEN 'NaN' WHEN 2 THEN '-0.0' WHEN 3 THEN 'inf'
                       WHEN 4 THEN '-inf' WHEN 5 THEN '1.7976931348623157e308' WHEN 6 THEN '4.9e-324'
                       ELSE (h(i, 11) %% 1000000000 / 1000 - 500000)::VARCHAR END::DOUBLE AS f64,
                  CASE h(i, 12) %% 10 WHEN 0 THEN NULL WHEN 1 THEN 'NaN' WHEN 2 THEN '-0.0'
                       ELSE (h(i, 13) %% 1000000 / 1000 - 500)::VARCHAR END::FLOAT AS f32,
                  CASE WHEN h(i, 14) %% 12 = 0 THEN NULL
                       ELSE ['alpha', 'beta', 'gamma', 'δέλτα', '', repeat('x', 40), 'only-in-file-%1$d', 'emoji 🦆']
                            [h(i, 15) %% 8 + 1] END AS s,
                  CASE WHEN h(i, 16) %% 10 = 0 THEN NULL ELSE h(i, 17) %% 2 = 0 END AS b,
                  CASE WHEN h(i, 18) %% 30 = 0 THEN NULL WHEN h(i, 19) %% 10 = 0 THEN TIMESTAMP '2023-11-14 22:30:00'
                       ELSE make_timestamp(1700000000000000 + h(i, 20) %% 3600000000) END AS ts,
                  CASE WHEN h(i, 21) %% 10 = 0 THEN NULL
                       ELSE make_timestamp(1700000000000000 + h(i, 22) %% 3600000000)::TIMESTAMPTZ END AS ts_tz,
                  CASE WHEN h(i, 23) %% 10 = 0 THEN NULL ELSE DATE '0001-01-01' + (h(i, 24) %% 3652058)::INTEGER END AS day,
                  CASE WHEN h(i, 25) %% 10 = 0 THEN NULL
                       ELSE (h(i, 26) %% 1999999999 - 999999999) / 100 END::DECIMAL(9, 2) AS dec9,
                  CASE WHEN h(i, 27) %% 10 = 0 THEN NULL
                       ELSE (h(i, 28) %% 999999999999999999 - 499999999999999999)::DECIMAL(18, 0) / 1000
                       END::DECIMAL(18, 3) AS dec18,
                  CASE WHEN h(i, 29) %% 10 = 0 THEN NULL
                       ELSE (h(i, 30)::HUGEINT * (h(i, 31) - 4611686018427387904))::DECIMAL(38, 0) / 10000000000
                       END::DECIMAL(38, 10) AS dec38,
                  CASE WHEN h(i, 32) %% 10 = 0 THEN NULL
                       ELSE list_transform(range(h(i, 33) %% 5), x -> CASE WHEN h(i * 8 + x, 34) %% 10 = 0 THEN NULL
                            ELSE (h(i * 8 + x, 35) %% 2001)::INTEGER - 1000 END) END AS li,
                  CASE WHEN h(i, 36) %% 10 = 0 THEN NULL
                       ELSE list_transform(range(h(i, 37) %% 5), x -> CASE WHEN h(i * 8 + x, 38) %% 10 = 0 THEN NULL
                            ELSE ['alpha', '', 'emoji 🦆'][h(i * 8 + x, 39) %% 3 + 1] END) END AS ls,
                  CASE WHEN h(i, 40) %% 10 = 0 THEN NULL
                       ELSE {'a': CASE WHEN h(i, 41) %% 5 = 0 THEN NULL ELSE (h(i, 42) %% 11)::INTEGER - 5 END,
                             'b': CASE WHEN h(i, 43) %% 5 = 0 THEN NULL ELSE ['alpha', ''][h(i, 44) %% 2 + 1] END} END AS st,
                  CASE WHEN h(i, 45) %% 10 = 0 THEN NULL
                       ELSE map(['k1', 'k2', 'k3'][1:h(i, 46) %% 4], [1, NULL, 3][1:h(i, 46) %% 4]) END AS m
                FROM range(%2$d) r(i)
                """.formatted(file, rows);
    }
}
