package dev.compactor.merge.fuzz;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.MergeSettings.Engine;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Merges one case's window with each engine, unsorted and (when the case has a sort column) sorted, and reports
 * every way the outputs differ from what they must be:
 * <ul>
 *   <li>each engine's parts have exactly the window's union schema and, read by parquet-java, exactly the inputs'
 *       rows (in file order unsorted; the same rows in any order sorted);</li>
 *   <li>both engines write the same rows in the same order and the same schema;</li>
 *   <li>DuckDB reads the fast engine's parts with the types and rows it reads the inputs with, when it can read
 *       the inputs at all (otherwise the case is counted as skipped, with DuckDB's reason).</li>
 * </ul>
 */
final class DifferentialCheck {

    /** What one merge staged, read back; {@code error} is set instead when the merge failed or set inputs aside. */
    private record Output(List<MessageType> schemas, List<List<String>> rows, List<Group> groups, List<Path> parts,
                          String error) {

        static Output failed(String error) {
            return new Output(List.of(), List.of(), List.of(), List.of(), error);
        }
    }

    private static final int TRACE_LINES = 20;

    private final FuzzCase fuzzCase;
    private final Path dir;
    private final UnsyncedLocalStore store;
    private final DuckDbReader duckDb;
    private final FuzzReport report;
    private int attempt;

    DifferentialCheck(FuzzCase fuzzCase, Path dir, DuckDbReader duckDb, FuzzReport report) {
        this.fuzzCase = fuzzCase;
        this.dir = dir;
        this.store = new UnsyncedLocalStore(dir.resolve("bucket"));
        this.duckDb = duckDb;
        this.report = report;
    }

    void run() throws IOException {
        List<SourceFile> files = fuzzCase.write(store);
        List<MessageType> inputSchemas = new ArrayList<>();
        for (SourceFile f : files) {
            inputSchemas.add(ParquetRows.schemaOf(store.inputFile(f.key)));
        }
        MessageType expected = UnionSchema.of(inputSchemas);
        List<List<String>> inputRows = new ArrayList<>();
        for (SourceFile f : files) {
            inputRows.addAll(ParquetRows.read(store.inputFile(f.key), expected).rows());
        }
        DuckDbReader.Reading duckInputs = null;
        try {
            duckInputs = duckDb.read(files.stream().map(f -> store.pathOf(f.key)).toList());
            report.duckDbRead();
        } catch (DuckDbReader.Unreadable e) {
            report.duckDbSkipped(e.reason);
        }
        compare(files, null, expected, inputRows, duckInputs);
        if (fuzzCase.sortColumn != null) {
            report.sorted();
            compare(files, fuzzCase.sortColumn, expected, inputRows, duckInputs);
        }
    }

    private void compare(List<SourceFile> files, String sortBy, MessageType expected, List<List<String>> inputRows,
                         DuckDbReader.Reading duckInputs) {
        String mode = sortBy == null ? "unsorted" : "sorted";
        Output fast = merge(files, sortBy, Engine.FAST, expected);
        Output reference = merge(files, sortBy, Engine.REFERENCE, expected);
        checkAgainstInputs(fast, "FAST", mode, expected, inputRows, sortBy == null);
        checkAgainstInputs(reference, "REFERENCE", mode, expected, inputRows, sortBy == null);
        if (sortBy != null) {
            checkOrder(fast, "FAST", sortBy, expected);
            checkOrder(reference, "REFERENCE", sortBy, expected);
        }
        if (fast.error == null && reference.error == null) {
            if (!fast.schemas.isEmpty() && !reference.schemas.isEmpty()
                    && !fast.schemas.stream().allMatch(reference.schemas.get(0)::equals)) {
                differentSchema("FAST and REFERENCE schemas differ (" + mode + ")", reference.schemas.get(0),
                        fast.schemas);
            }
            compareRows("FAST rows differ from REFERENCE rows (" + mode + ")", expected, reference.rows, fast.rows, true);
        }
        if (duckInputs != null && fast.error == null && !fast.parts.isEmpty()) {
            checkDuckDb(files, fast, mode, duckInputs, sortBy == null);
        }
    }

    private Output merge(List<SourceFile> files, String sortBy, Engine engine, MessageType expected) {
        StagedWindow staged;
        try {
            ParquetMerger merger = new ParquetMerger(store, BucketLayout.defaults(),
                    fuzzCase.settings(sortBy, engine, dir.resolve("spill").toString()));
            staged = merger.merge(FuzzCase.task(files, attempt++));
        } catch (Exception | StackOverflowError e) {
            return Output.failed("merge threw " + trace(e));
        }
        if (!staged.quarantined.isEmpty() || !staged.missing.isEmpty()) {
            List<String> reasons = staged.quarantined.stream().map(q -> q.reason).distinct().toList();
            return Output.failed("merge set inputs aside: " + (reasons.isEmpty() ? "none" : reasons.get(0))
                    + "\nall reasons: " + reasons + "\nmissing: " + staged.missing);
        }
        List<MessageType> schemas = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<Path> parts = new ArrayList<>();
        for (StagedWindow.Part p : staged.parts) {
            try {
                ParquetRows part = ParquetRows.read(store.inputFile(p.stagingKey), expected);
                schemas.add(part.schema());
                rows.addAll(part.rows());
                groups.addAll(part.groups());
                parts.add(store.pathOf(p.stagingKey));
            } catch (IOException | RuntimeException e) {
                return Output.failed("parquet-java cannot read a part the merge wrote: " + trace(e));
            }
        }
        return new Output(schemas, rows, groups, parts, null);
    }

    /** The exception and enough of its stack trace to see where it happened; the report stays readable. */
    private static String trace(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString().lines().limit(TRACE_LINES).collect(Collectors.joining("\n"));
    }

    private void checkAgainstInputs(Output out, String engine, String mode, MessageType expected,
                                    List<List<String>> inputRows, boolean ordered) {
        if (out.error != null) {
            find(engine + " (" + mode + "): " + Signatures.blankFields(out.error.lines().findFirst().orElse("")),
                    out.error);
            return;
        }
        if (out.schemas.isEmpty() && !inputRows.isEmpty()) {
            find(engine + " staged no parts for " + inputRows.size() + " rows (" + mode + ")", "");
        }
        for (MessageType s : out.schemas) {
            if (!s.equals(expected)) {
                differentSchema(engine + " schema differs from the union of the inputs' (" + mode + ")", expected,
                        out.schemas);
                break;
            }
        }
        compareRows(engine + " rows differ from the inputs' (" + mode + ")", expected, inputRows, out.rows, ordered);
    }

    private void checkOrder(Output out, String engine, String sortBy, MessageType expected) {
        int row = SortOrder.firstOutOfOrder(out.groups, sortBy);
        if (row >= 0) {
            int column = expected.getFieldIndex(sortBy);
            find(engine + " rows are out of order, sorted by a column "
                            + Signatures.blank(SchemaDiff.shape(expected.getType(column))),
                    "rows " + (row - 1) + " and " + row + " sorted by " + sortBy + ": " + out.rows.get(row - 1).get(column)
                            + " before " + out.rows.get(row).get(column));
        }
    }

    private void checkDuckDb(List<SourceFile> files, Output fast, String mode, DuckDbReader.Reading inputs,
                             boolean ordered) {
        DuckDbReader.Reading output;
        try {
            output = duckDb.read(fast.parts);
        } catch (DuckDbReader.Unreadable e) {
            if (someInputUnreadableAlone(files)) {
                // DuckDB converts some values (a timestamp of Long.MAX_VALUE milliseconds) one way when it reads a
                // file after an empty one and fails on them otherwise; the merge is not at fault for that
                report.duckDbSkipped("reads the inputs only together: " + e.reason);
            } else {
                find("DuckDB reads the inputs but not the FAST output (" + mode + "): " + e.reason, e.getMessage());
            }
            return;
        }
        report.duckDbCompared();
        if (!output.types().equals(inputs.types())) {
            int i = Signatures.firstDifference(inputs.types(), output.types());
            find("DuckDB types differ, FAST output vs inputs (" + mode + "): " + Signatures.blank(at(inputs.types(), i))
                            + " -> " + Signatures.blank(at(output.types(), i)),
                    "inputs: " + inputs.types() + "\noutput: " + output.types());
            return;
        }
        List<List<String>> expectedRows = inputs.rows();
        List<List<String>> actualRows = output.rows();
        if (!ordered) {
            expectedRows = sortedCopy(expectedRows);
            actualRows = sortedCopy(actualRows);
        }
        int row = Signatures.firstDifference(expectedRows, actualRows);
        if (row >= 0) {
            String column = row < Math.min(expectedRows.size(), actualRows.size())
                    ? at(inputs.types(), Signatures.firstDifference(expectedRows.get(row), actualRows.get(row)))
                    : "row count " + expectedRows.size() + " -> " + actualRows.size();
            find("DuckDB rows differ, FAST output vs inputs (" + mode + "): " + Signatures.blank(column),
                    "row " + row + "\ninputs: " + at(expectedRows, row) + "\noutput: " + at(actualRows, row));
        }
    }

    private boolean someInputUnreadableAlone(List<SourceFile> files) {
        for (SourceFile f : files) {
            try {
                duckDb.read(List.of(store.pathOf(f.key)));
            } catch (DuckDbReader.Unreadable e) {
                return true;
            }
        }
        return false;
    }

    private void differentSchema(String what, MessageType expected, List<MessageType> actual) {
        MessageType wrong = actual.stream().filter(s -> !s.equals(expected)).findFirst().orElse(actual.get(0));
        Set<String> differences = SchemaDiff.all(expected, wrong);
        for (String difference : differences.isEmpty() ? Set.of("printed differently") : differences) {
            find(what + ": " + Signatures.blank(difference), "expected:\n" + expected + "\nactual:\n" + wrong);
        }
    }

    private void compareRows(String what, MessageType expected, List<List<String>> want, List<List<String>> got,
                             boolean ordered) {
        if (!ordered) {
            want = sortedCopy(want);
            got = sortedCopy(got);
        }
        int row = Signatures.firstDifference(want, got);
        if (row < 0) {
            return;
        }
        if (row >= Math.min(want.size(), got.size())) {
            find(what + ": row count", want.size() + " rows expected, " + got.size() + " written");
            return;
        }
        int column = Signatures.firstDifference(want.get(row), got.get(row));
        find(what + " in a column " + Signatures.blank(SchemaDiff.shape(expected.getType(column))),
                "row " + row + " column " + expected.getFieldName(column) + "\nexpected: " + want.get(row).get(column)
                        + "\nactual:   " + got.get(row).get(column));
    }

    private void find(String signature, String detail) {
        report.add(new FuzzReport.Finding(fuzzCase.seed, signature, detail + "\n--- case\n" + fuzzCase.describe()));
    }

    private static <T> String at(List<T> list, int i) {
        return i >= 0 && i < list.size() ? Objects.toString(list.get(i)) : "(none)";
    }

    private static List<List<String>> sortedCopy(List<List<String>> rows) {
        List<List<String>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(List::toString));
        return copy;
    }
}
