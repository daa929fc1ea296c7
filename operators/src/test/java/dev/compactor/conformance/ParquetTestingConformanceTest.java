package dev.compactor.conformance;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.MergeSettings.Engine;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.schema.ColumnOrder;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Invariant 8 against apache/parquet-testing (vendored under {@code parquet-testing/}): every {@code data/} file
 * that DuckDB reads merges, as three copies in one window, into parts that DuckDB and parquet-java read with the
 * input's column types and rows, in file order unsorted and as the same rows in order when sorted, with both merge
 * engines; every {@code bad_data/} file is quarantined, within seconds, with a reason in plain words, or else
 * merged into what DuckDB reads from it. Files DuckDB itself refuses (the encrypted ones, LZ4 framings it lacks)
 * are recorded, not judged; a file that decodes to more than {@link #MAX_DECODED_BYTES} is skipped. The outcome
 * per file is written to {@code target/conformance/parquet-testing.md}.
 */
class ParquetTestingConformanceTest {

    private static final Path ROOT = resource("/parquet-testing");
    private static final String NS = "ns1";
    private static final long WINDOW_START = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000L;
    private static final int COPIES = 3;
    /** Every file here is under 1 MB: a merge that takes longer is stuck, not slow. */
    private static final Duration MERGE_TIMEOUT = Duration.ofSeconds(30);
    /** The good file a bad one is merged beside (a plain one that merges today): the window goes on without it. */
    private static final String GOOD = "data/datapage_v1-snappy-compressed-checksum.parquet";
    /**
     * Files whose values take more than this decoded are not merged here: DuckDB's row text and the merge of three
     * copies would take minutes and gigabytes (large_string_map.brotli.parquet holds two 1 GB strings in 4 KB).
     */
    private static final long MAX_DECODED_BYTES = 64L << 20;
    private static final int CELL_CHARS = 160;

    /** Outcome rows by file name, filled in by the tests as they run and written out after all of them. */
    /**
     * Files DuckDB reads that the merge must refuse, with what the reason says. DuckDB does not verify page CRCs
     * and reads past a malformed dictionary that parquet-java cannot; the geospatial and unknown logical types are
     * newer than the parquet-java this build uses, and writing those columns back would drop their annotation.
     */
    private static final Map<String, String> MUST_REFUSE = Map.ofEntries(
            Map.entry("data/datapage_v1-corrupt-checksum.parquet", "CRC"),
            Map.entry("data/rle-dict-uncompressed-corrupt-checksum.parquet", "CRC"),
            Map.entry("data/nation.dict-malformed.parquet", "the file ends"),
            Map.entry("data/unknown-logical-type.parquet", "logical type this merge does not know"),
            Map.entry("data/geospatial/", "logical type this merge does not know"));

    /**
     * A malformed file parquet-java's record reader reads differently from DuckDB (a page starting inside a row):
     * the fast engine refuses it, the reference engine, which is parquet-java's reading, merges what it reads.
     */
    private static final String READERS_DISAGREE = "bad_data/ARROW-GH-45185.parquet";

    private static final Map<String, Outcome> OUTCOMES = new ConcurrentSkipListMap<>();

    @TempDir
    static Path work;

    @TestFactory
    Stream<DynamicNode> dataFiles() throws IOException {
        return files("data").map(name -> {
            Input in = new Input(name);
            Outcome out = outcome(name);
            OptionalLong decoded = DuckDbReadBack.uncompressedBytes(in.file);
            if (decoded.orElse(0) > MAX_DECODED_BYTES) {
                String why = "not run: its pages decompress to " + (decoded.getAsLong() >> 20) + " MB, more than "
                        + (MAX_DECODED_BYTES >> 20) + " MB";
                out.duckDb = "not checked";
                out.note(why);
                return DynamicContainer.dynamicContainer(name, Stream.of(DynamicTest.dynamicTest("skipped",
                        () -> Assumptions.abort(why))));
            }
            Optional<String> refused = in.duckDbFailure.get();
            out.duckDb = refused.isEmpty() ? "yes" : "no";
            refused.ifPresent(m -> out.note("DuckDB refuses: " + m));
            in.rowsFailure().ifPresent(m -> out.note("parquet-java refuses: " + m));
            if (refused.isPresent()) {
                // nothing to compare with: record what the merge makes of it, and fail only on a hang or an error
                return DynamicContainer.dynamicContainer(name,
                        Stream.of(recorded(out, "fast, unsorted", () -> whatTheMergeDoes(in))));
            }
            Optional<String> sortColumn = in.sortColumn();
            out.note(sortColumn.map(c -> "sorted by " + c).orElse(in.schemaFailure().isPresent()
                    ? "not sorted: the sort column is chosen from parquet-java's schema"
                    : "no sortable top-level column, not sorted"));
            List<DynamicTest> tests = new ArrayList<>();
            for (Engine engine : Engine.values()) {
                String variant = engine.name().toLowerCase();
                tests.add(recorded(out, variant + ", unsorted", () -> mergesExactly(in, engine, null)));
                sortColumn.ifPresent(c -> tests.add(recorded(out, variant + ", sorted",
                        () -> mergesExactly(in, engine, c))));
            }
            return DynamicContainer.dynamicContainer(name, tests.stream());
        });
    }

    @TestFactory
    Stream<DynamicNode> badDataFiles() throws IOException {
        return files("bad_data").map(name -> {
            Path file = ROOT.resolve(name);
            Outcome out = outcome(name);
            return DynamicContainer.dynamicContainer(name, Stream.of(
                    DynamicTest.dynamicTest("DuckDB", () -> {
                        Optional<String> refused = DuckDbReadBack.readFailure(file);
                        out.duckDb = refused.isEmpty() ? "yes" : "no";
                        refused.ifPresent(m -> out.note("DuckDB: " + m));
                    }),
                    recorded(out, "alone, fast", () -> refusedAlone(file, Engine.FAST)),
                    recorded(out, "beside a good file, fast", () -> refusedBesideGood(file, Engine.FAST)),
                    recorded(out, "alone, reference", () -> refusedAlone(file, Engine.REFERENCE)),
                    recorded(out, "beside a good file, reference",
                            () -> refusedBesideGood(file, Engine.REFERENCE))));
        });
    }

    /**
     * Three copies of a file DuckDB reads merge into parts with the input's types and rows, as DuckDB reads them
     * and as parquet-java reads them where it reads the input (its schema, its rows).
     */
    private static String mergesExactly(Input in, Engine engine, String sortColumn) throws IOException {
        Merge merge = merge(Collections.nCopies(COPIES, in.file), engine, sortColumn);
        List<StagedWindow.Quarantined> refused = merge.staged.quarantined;
        Optional<String> mustRefuse = MUST_REFUSE.entrySet().stream()
                .filter(e -> in.name.equals(e.getKey()) || e.getKey().endsWith("/") && in.name.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
        if (mustRefuse.isPresent()) {
            assertEquals(COPIES, refused.size(), "copies refused");
            String reason = refused.get(0).reason;
            assertTrue(reason.contains(mustRefuse.get()) && isPlainWords(reason), reason);
            return "refused as it must be: " + reason;
        }
        if (!refused.isEmpty()) {
            fail("refused " + refused.size() + " of " + COPIES + " copies: " + refused.get(0).reason);
        }
        List<Path> parts = merge.parts();
        List<String> expected = times(COPIES, in.duckDbRows.get());
        if (parts.isEmpty()) {
            assertEquals(List.of(), expected, "no part was written");
            return "ok (no rows, no part)";
        }
        boolean anyOrder = sortColumn != null;
        for (Path part : parts) {
            assertSameLines("DuckDB column types", in.duckDbTypes.get(), DuckDbReadBack.columnTypes(part));
        }
        assertSameLines("DuckDB rows", ordered(expected, anyOrder),
                ordered(DuckDbReadBack.rows(parts.toArray(Path[]::new)), anyOrder));

        if (in.schemaFailure().isPresent()) {
            return "ok (DuckDB only: parquet-java cannot read the input's schema)";
        }
        MessageType schema = in.schema.get();
        for (Path part : parts) {
            MessageType written = ParquetJavaReadBack.schema(part);
            assertSameLines("parquet-java schema", schema.toString().lines().toList(),
                    written.toString().lines().toList());
        }
        if (in.rowsFailure().isPresent()) {
            return "ok (parquet-java cannot read the input's rows: rows" + (anyOrder ? " and order" : "")
                    + " checked in DuckDB only)";
        }
        assertSameLines("parquet-java rows", ordered(times(COPIES, in.parquetJavaRows.get()), anyOrder),
                ordered(ParquetJavaReadBack.rows(parts.toArray(Path[]::new)), anyOrder));
        if (sortColumn != null) {
            assertInOrder(schema.getType(sortColumn).asPrimitiveType(),
                    ParquetJavaReadBack.values(sortColumn, parts.toArray(Path[]::new)));
        }
        return "ok";
    }

    /** Non-decreasing with nulls first, under the order the Parquet spec gives the column's type. */
    @SuppressWarnings("unchecked")
    private static void assertInOrder(PrimitiveType type, List<Object> values) {
        Comparator<Object> order = (Comparator<Object>) (Comparator<?>) type.comparator();
        for (int i = 1; i < values.size(); i++) {
            Object a = values.get(i - 1);
            Object b = values.get(i);
            if (a != null && (b == null || order.compare(a, b) > 0)) {
                fail("sort column " + type.getName() + " out of order at row " + i + " of " + values.size() + ": "
                        + a + " before " + b);
            }
        }
    }

    /** What the fast merge does with a file DuckDB refuses; fails only when it hangs or runs out of memory. */
    private static String whatTheMergeDoes(Input in) throws IOException {
        Merge merge = merge(Collections.nCopies(COPIES, in.file), Engine.FAST, null);
        if (!merge.staged.quarantined.isEmpty()) {
            String reason = merge.staged.quarantined.get(0).reason;
            return "refused: " + reason + (isPlainWords(reason) ? "" : " (not plain words)");
        }
        return "merged " + merge.staged.totalRows() + " rows into " + merge.staged.parts.size() + " part(s)";
    }

    /** A bad file merged alone is quarantined with a plain reason, unless DuckDB reads it too. */
    private static String refusedAlone(Path bad, Engine engine) throws IOException {
        Merge merge = merge(List.of(bad), engine, null);
        Optional<String> reason = refusal(merge, merge.keys.get(0), bad);
        if (reason.isPresent()) {
            return "refused: " + reason.get();
        }
        if (engine == Engine.REFERENCE && bad.endsWith(READERS_DISAGREE)) {
            assertEquals(DuckDbReadBack.rows(bad).size(), merge.staged.totalRows(), "rows");
            return "merged as parquet-java reads it (DuckDB reads other values)";
        }
        // accepted, so it is held to what DuckDB reads from it, like any file of data/
        assertSameLines("DuckDB rows", DuckDbReadBack.rows(bad),
                DuckDbReadBack.rows(merge.parts().toArray(Path[]::new)));
        return "merged: the output reads as the file does in DuckDB";
    }

    /**
     * A bad file after a good one: the good file's rows are merged, the bad file refused as when alone. Only row
     * counts are compared: the window's schema may be the union of both files'.
     */
    private static String refusedBesideGood(Path bad, Engine engine) throws IOException {
        Merge merge = merge(List.of(ROOT.resolve(GOOD), bad), engine, null);
        List<String> merged = merge.staged.inputs.stream().map(i -> i.key).toList();
        if (!merged.contains(merge.keys.get(0))) {
            fail("the good file was not merged: " + merge.staged.quarantined.stream()
                    .map(q -> q.key + ": " + q.reason).toList());
        }
        Optional<String> reason = refusal(merge, merge.keys.get(1), bad);
        long rows = DuckDbReadBack.rows(ROOT.resolve(GOOD)).size()
                + (reason.isPresent() ? 0 : DuckDbReadBack.rows(bad).size());
        assertEquals(rows, merge.staged.totalRows(),
                "rows of the good file" + (reason.isPresent() ? "" : " and the bad one"));
        return reason.map(r -> "refused: " + r).orElse("merged, " + rows + " rows");
    }

    /**
     * The plain-words reason the bad file was quarantined with; empty when it was merged, which is right only when
     * DuckDB reads it too.
     */
    private static Optional<String> refusal(Merge merge, String key, Path bad) {
        Optional<String> reason = merge.staged.quarantined.stream().filter(q -> q.key.equals(key))
                .map(q -> q.reason).findFirst();
        if (reason.isEmpty()) {
            Optional<String> duckDb = DuckDbReadBack.readFailure(bad);
            duckDb.ifPresent(m -> fail("merged a file DuckDB refuses (" + m + ")"));
        } else if (!isPlainWords(reason.get())) {
            fail("the reason is not in plain words: " + reason.get());
        }
        return reason;
    }

    /**
     * Non-empty and free of exception and class names and JVM text, which mean nothing to the user reading it
     * ("org.apache." is how parquet-java's class names show, as in "can not read class org.apache.parquet...").
     */
    private static boolean isPlainWords(String reason) {
        return reason != null && !reason.isBlank()
                && Stream.of("Exception", "NullPointer", "java.", "org.apache.").noneMatch(reason::contains);
    }

    /** Merges the inputs as one window of fresh copies, within {@link #MERGE_TIMEOUT}. */
    private static Merge merge(List<Path> inputs, Engine engine, String sortColumn) throws IOException {
        Path dir = Files.createTempDirectory(work, "window");
        LocalObjectStore store = new LocalObjectStore(dir.resolve("bucket"));
        List<SourceFile> files = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            long fileTime = WINDOW_START + 1000L * i;
            String key = "data/" + NS + "/" + fileTime / 1000 + "-w" + i + "-0.parquet";
            Path copy = store.pathOf(key);
            Files.createDirectories(copy.getParent());
            Files.copy(inputs.get(i), copy);
            files.add(new SourceFile(key, Files.size(copy), "etag-" + i, "w" + i, 0, fileTime));
            keys.add(key);
        }
        Path spill = Files.createDirectories(dir.resolve("spill"));
        MergeSettings settings = new MergeSettings(128L << 20, sortColumn, 64L << 20, "ZSTD", spill.toString())
                .withEngine(engine);
        CompactionTask task = new CompactionTask(NS, WINDOW_START, WINDOW_START + 3_600_000L, 0, 0, files);
        StagedWindow staged = assertTimeoutPreemptively(MERGE_TIMEOUT,
                () -> new ParquetMerger(store, BucketLayout.defaults(), settings).merge(task),
                () -> "merge did not finish in " + MERGE_TIMEOUT.toSeconds() + " s");
        return new Merge(store, staged, keys);
    }

    private record Merge(LocalObjectStore store, StagedWindow staged, List<String> keys) {
        List<Path> parts() {
            return staged.parts.stream().map(p -> store.pathOf(p.stagingKey)).toList();
        }
    }

    /** Rows in a canonical order when the merge may reorder them, so that equal multisets compare equal. */
    private static List<String> ordered(List<String> rows, boolean anyOrder) {
        return anyOrder ? rows.stream().sorted().toList() : rows;
    }

    /** Equal lists; a failure names the first difference rather than printing both lists. */
    private static void assertSameLines(String what, List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail(what + ", line " + (i + 1) + " of " + expected.size() + ": expected " + expected.get(i).trim()
                        + " but was " + actual.get(i).trim());
            }
        }
        assertEquals(expected.size(), actual.size(), what + ": count");
    }

    /**
     * The first top-level column that is primitive, not repeated and has an order in the Parquet spec (INT96 and
     * INTERVAL have none, so no order could be checked).
     */
    private static Optional<String> sortColumnOf(MessageType schema) {
        return schema.getFields().stream()
                .filter(f -> f.isPrimitive() && !f.isRepetition(Type.Repetition.REPEATED))
                .filter(f -> f.asPrimitiveType().columnOrder().getColumnOrderName()
                        == ColumnOrder.ColumnOrderName.TYPE_DEFINED_ORDER)
                .map(Type::getName)
                .findFirst();
    }

    /**
     * A test named after its cell in the file's row, which records its outcome there: the check's own text, ok, or
     * the failure.
     */
    private static DynamicTest recorded(Outcome out, String cell, CheckedSupplier check) {
        return DynamicTest.dynamicTest(cell, () -> {
            try {
                out.cells.put(cell, check.get());
            } catch (Throwable t) {
                out.cells.put(cell, "FAIL: " + (t instanceof AssertionError ? "" : t.getClass().getSimpleName() + ": ")
                        + t.getMessage());
                throw t;
            }
        });
    }

    private static DynamicTest recorded(Outcome out, String cell, Executable check) {
        return recorded(out, cell, () -> {
            check.execute();
            return "ok";
        });
    }

    private interface CheckedSupplier {
        String get() throws Throwable;
    }

    /** One input file and what the two readers make of it, each read once and only when asked. */
    private static final class Input {
        final String name;
        final Path file;
        final Supplier<Optional<String>> duckDbFailure;
        final Supplier<List<String>> duckDbTypes;
        final Supplier<List<String>> duckDbRows;
        final Supplier<MessageType> schema;
        final Supplier<List<String>> parquetJavaRows;
        private final Supplier<Optional<String>> schemaFailure;
        private final Supplier<Optional<String>> rowsFailure;

        Input(String name) {
            this.name = name;
            file = ROOT.resolve(name);
            duckDbFailure = memo(() -> DuckDbReadBack.readFailure(file));
            duckDbTypes = memo(() -> DuckDbReadBack.columnTypes(file));
            duckDbRows = memo(() -> DuckDbReadBack.rows(file));
            schema = memo(() -> ParquetJavaReadBack.schema(file));
            parquetJavaRows = memo(() -> ParquetJavaReadBack.rows(file));
            schemaFailure = memo(() -> failureOf(schema));
            rowsFailure = memo(() -> failureOf(parquetJavaRows));
        }

        Optional<String> schemaFailure() {
            return schemaFailure.get();
        }

        Optional<String> rowsFailure() {
            return schemaFailure().or(rowsFailure);
        }

        /** The sort column, when parquet-java reads the schema and it has a sortable column. */
        Optional<String> sortColumn() {
            return schemaFailure().isPresent() ? Optional.empty() : sortColumnOf(schema.get());
        }

        private static Optional<String> failureOf(Supplier<?> read) {
            try {
                read.get();
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of(String.valueOf(e.getMessage()));
            }
        }
    }

    private static <T> Supplier<T> memo(Supplier<T> compute) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = compute.get();
                }
                return value;
            }
        };
    }

    /** One row of the outcome table. */
    private static final class Outcome {
        volatile String duckDb = "";
        /** Cells by the name of the test that filled them in, such as "fast, sorted" or "alone, reference". */
        final Map<String, String> cells = new ConcurrentSkipListMap<>();
        private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

        void note(String text) {
            notes.add(text);
        }

        String cell(String variant) {
            return cells.getOrDefault(variant, "");
        }
    }

    private static Outcome outcome(String name) {
        return OUTCOMES.computeIfAbsent(name, n -> new Outcome());
    }

    @AfterAll
    static void writeOutcomeTable() throws IOException {
        StringBuilder md = new StringBuilder("# apache/parquet-testing conformance\n\n")
                .append("Written by `ParquetTestingConformanceTest`. data/: three copies merged per variant; ")
                .append("`ok` means DuckDB and parquet-java read the input's column types and rows back (sorted: ")
                .append("the same rows, the sort column in order); reference is the reference engine.\n\n")
                .append("| file | DuckDB reads | unsorted fast | sorted fast | reference | note |\n")
                .append("|---|---|---|---|---|---|\n");
        OUTCOMES.forEach((name, o) -> {
            if (name.startsWith("data/")) {
                md.append(row(name, o.duckDb, o.cell("fast, unsorted"), o.cell("fast, sorted"),
                        reference(o.cell("reference, unsorted"), o.cell("reference, sorted")),
                        String.join("; ", o.notes)));
            }
        });
        md.append("\nbad_data/: merged alone, and after a good file (").append(GOOD).append(") of the same window.\n\n")
                .append("| file | DuckDB reads | alone, fast | beside a good file, fast | alone, reference | ")
                .append("beside a good file, reference | note |\n")
                .append("|---|---|---|---|---|---|---|\n");
        OUTCOMES.forEach((name, o) -> {
            if (name.startsWith("bad_data/")) {
                md.append(row(name, o.duckDb, o.cell("alone, fast"), o.cell("beside a good file, fast"),
                        o.cell("alone, reference"), o.cell("beside a good file, reference"),
                        String.join("; ", o.notes)));
            }
        });
        Path out = ROOT.getParent().getParent().resolve("conformance/parquet-testing.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md);
    }

    private static String reference(String unsorted, String sorted) {
        return sorted.isEmpty() || unsorted.equals(sorted) ? unsorted : "unsorted: " + unsorted + "; sorted: " + sorted;
    }

    private static String row(String... cells) {
        return Stream.of(cells).map(ParquetTestingConformanceTest::cellText)
                .collect(Collectors.joining(" | ", "| ", " |\n"));
    }

    /** One line, no pipes and no temporary paths, short enough to keep the table readable. */
    private static String cellText(String text) {
        String line = text.replace(ROOT + "/", "").replace(work + "/", "")
                .replaceAll("\\s+", " ").replace("|", "\\|").trim();
        return line.length() <= CELL_CHARS ? line : line.substring(0, CELL_CHARS) + "…";
    }

    /** The Parquet files under data/ or bad_data/, as names relative to the vendored root, in name order. */
    private static Stream<String> files(String dir) throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".parquet") || n.endsWith(".parquet.encrypted"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    private static List<String> times(int n, List<String> rows) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.addAll(rows);
        }
        return out;
    }

    private static Path resource(String name) {
        try {
            return Path.of(ParquetTestingConformanceTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
