package dev.compactor.merge.fuzz;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.MergeSettings.Engine;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Merges one case's window with each engine, unsorted and (when the case has a sort column) sorted, and reports
 * every way the outputs differ from what they must be:
 * <ul>
 *   <li>each engine's parts have exactly the window's union schema and, read by parquet-java, exactly the inputs'
 *       rows (in file order unsorted; the same rows in any order sorted, and in the sort column's order);</li>
 *   <li>both engines write the same rows in the same order and the same schema;</li>
 *   <li>DuckDB reads the fast engine's parts as it reads the inputs ({@link DuckDbCheck}).</li>
 * </ul>
 */
final class DifferentialCheck {

    private final FuzzCase fuzzCase;
    private final Path dir;
    private final UnsyncedLocalStore store;
    private final DuckDbReader duckDb;
    private final FuzzReport report;
    private final CaseFindings findings;
    private int attempt;

    DifferentialCheck(FuzzCase fuzzCase, Path dir, DuckDbReader duckDb, FuzzReport report) {
        this.fuzzCase = fuzzCase;
        this.dir = dir;
        this.store = new UnsyncedLocalStore(dir.resolve("bucket"));
        this.duckDb = duckDb;
        this.report = report;
        this.findings = new CaseFindings(fuzzCase, report);
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
        DuckDbCheck duckDbCheck = DuckDbCheck.readingInputs(duckDb, report, findings,
                files.stream().map(f -> store.pathOf(f.key)).toList());
        compare(files, null, expected, inputRows, duckDbCheck);
        if (fuzzCase.sortColumn != null) {
            report.sorted();
            compare(files, fuzzCase.sortColumn, expected, inputRows, duckDbCheck);
        }
    }

    private void compare(List<SourceFile> files, String sortBy, MessageType expected, List<List<String>> inputRows,
                         DuckDbCheck duckDbCheck) {
        String mode = sortBy == null ? "unsorted" : "sorted";
        MergedOutput fast = merge(files, sortBy, Engine.FAST, expected);
        MergedOutput reference = merge(files, sortBy, Engine.REFERENCE, expected);
        checkAgainstInputs(fast, "FAST", mode, expected, inputRows, sortBy == null);
        checkAgainstInputs(reference, "REFERENCE", mode, expected, inputRows, sortBy == null);
        if (sortBy != null) {
            checkOrder(fast, "FAST", sortBy, expected);
            checkOrder(reference, "REFERENCE", sortBy, expected);
        }
        if (fast.error() == null && reference.error() == null) {
            if (!fast.schemas().isEmpty() && !reference.schemas().isEmpty()
                    && !fast.schemas().stream().allMatch(reference.schemas().get(0)::equals)) {
                differentSchema("FAST and REFERENCE schemas differ (" + mode + ")", reference.schemas().get(0),
                        fast.schemas());
            }
            compareRows("FAST rows differ from REFERENCE rows (" + mode + ")", expected, reference.rows(),
                    fast.rows(), true);
        }
        duckDbCheck.compare(fast, mode, sortBy == null);
    }

    private MergedOutput merge(List<SourceFile> files, String sortBy, Engine engine, MessageType expected) {
        ParquetMerger merger = new ParquetMerger(store, BucketLayout.defaults(),
                fuzzCase.settings(sortBy, engine, dir.resolve("spill").toString()));
        return MergedOutput.of(merger, FuzzCase.task(files, attempt++), store, expected);
    }

    private void checkAgainstInputs(MergedOutput out, String engine, String mode, MessageType expected,
                                    List<List<String>> inputRows, boolean ordered) {
        if (out.error() != null) {
            findings.add(engine + " (" + mode + "): " + Differences.blankFields(out.error().lines().findFirst()
                    .orElse("")), out.error());
            return;
        }
        if (out.schemas().isEmpty() && !inputRows.isEmpty()) {
            findings.add(engine + " staged no parts for " + inputRows.size() + " rows (" + mode + ")", "");
        }
        if (!out.schemas().stream().allMatch(expected::equals)) {
            differentSchema(engine + " schema differs from the union of the inputs' (" + mode + ")", expected,
                    out.schemas());
        }
        compareRows(engine + " rows differ from the inputs' (" + mode + ")", expected, inputRows, out.rows(), ordered);
    }

    private void checkOrder(MergedOutput out, String engine, String sortBy, MessageType expected) {
        int row = SortOrder.firstOutOfOrder(out.groups(), sortBy);
        if (row >= 0) {
            int column = expected.getFieldIndex(sortBy);
            findings.add(engine + " rows are out of order, sorted by a column "
                            + Differences.blank(SchemaDiff.shape(expected.getType(column))),
                    "rows " + (row - 1) + " and " + row + " sorted by " + sortBy + ": "
                            + out.rows().get(row - 1).get(column) + " before " + out.rows().get(row).get(column));
        }
    }

    private void differentSchema(String what, MessageType expected, List<MessageType> actual) {
        MessageType wrong = actual.stream().filter(s -> !s.equals(expected)).findFirst().orElse(actual.get(0));
        Set<String> differences = SchemaDiff.all(expected, wrong);
        for (String difference : differences.isEmpty() ? Set.of("printed differently") : differences) {
            findings.add(what + ": " + Differences.blank(difference), "expected:\n" + expected + "\nactual:\n" + wrong);
        }
    }

    private void compareRows(String what, MessageType expected, List<List<String>> want, List<List<String>> got,
                             boolean ordered) {
        if (!ordered) {
            want = Differences.sortedCopy(want);
            got = Differences.sortedCopy(got);
        }
        int row = Differences.firstDifference(want, got);
        if (row < 0) {
            return;
        }
        if (row >= Math.min(want.size(), got.size())) {
            findings.add(what + ": row count", want.size() + " rows expected, " + got.size() + " written");
            return;
        }
        int column = Differences.firstDifference(want.get(row), got.get(row));
        findings.add(what + " in a column " + Differences.blank(SchemaDiff.shape(expected.getType(column))),
                "row " + row + " column " + expected.getFieldName(column) + "\nexpected: " + want.get(row).get(column)
                        + "\nactual:   " + got.get(row).get(column));
    }
}
