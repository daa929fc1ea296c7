package dev.compactor.merge.fuzz;

import java.nio.file.Path;
import java.util.List;

/**
 * DuckDB's side of a case: it must read a merge's parts with the column types and rows it reads the inputs with
 * (the same rows in any order for a sorted merge). Cases whose inputs DuckDB cannot read are counted as skipped,
 * with DuckDB's reason.
 */
final class DuckDbCheck {

    private final DuckDbReader duckDb;
    private final FuzzReport report;
    private final CaseFindings findings;
    private final List<Path> inputs;
    /** Null when DuckDB cannot read the inputs. */
    private final DuckDbReader.Reading inputReading;

    private DuckDbCheck(DuckDbReader duckDb, FuzzReport report, CaseFindings findings, List<Path> inputs,
                        DuckDbReader.Reading inputReading) {
        this.duckDb = duckDb;
        this.report = report;
        this.findings = findings;
        this.inputs = inputs;
        this.inputReading = inputReading;
    }

    /** Reads the inputs once for all the merges of a case. */
    static DuckDbCheck readingInputs(DuckDbReader duckDb, FuzzReport report, CaseFindings findings,
                                     List<Path> inputs) {
        DuckDbReader.Reading reading = null;
        try {
            reading = duckDb.read(inputs);
            report.duckDbRead();
        } catch (DuckDbReader.Unreadable e) {
            report.duckDbSkipped(e.reason);
        }
        return new DuckDbCheck(duckDb, report, findings, inputs, reading);
    }

    void compare(MergedOutput fast, String mode, boolean ordered) {
        if (inputReading == null || fast.error() != null || fast.parts().isEmpty()) {
            return;
        }
        DuckDbReader.Reading output;
        try {
            output = duckDb.read(fast.parts());
        } catch (DuckDbReader.Unreadable e) {
            if (someInputUnreadableAlone()) {
                // DuckDB converts some values (a timestamp of Long.MAX_VALUE milliseconds) one way when it reads a
                // file after an empty one and fails on them otherwise; the merge is not at fault for that
                report.duckDbSkipped("reads the inputs only together: " + e.reason);
            } else {
                findings.add("DuckDB reads the inputs but not the FAST output (" + mode + "): " + e.reason,
                        e.getMessage());
            }
            return;
        }
        report.duckDbCompared();
        List<String> types = inputReading.types();
        if (!output.types().equals(types)) {
            int i = Differences.firstDifference(types, output.types());
            findings.add("DuckDB types differ, FAST output vs inputs (" + mode + "): "
                            + Differences.blank(Differences.at(types, i)) + " -> "
                            + Differences.blank(Differences.at(output.types(), i)),
                    "inputs: " + types + "\noutput: " + output.types());
            return;
        }
        List<List<String>> want = ordered ? inputReading.rows() : Differences.sortedCopy(inputReading.rows());
        List<List<String>> got = ordered ? output.rows() : Differences.sortedCopy(output.rows());
        int row = Differences.firstDifference(want, got);
        if (row >= 0) {
            String column = row < Math.min(want.size(), got.size())
                    ? Differences.at(types, Differences.firstDifference(want.get(row), got.get(row)))
                    : "row count " + want.size() + " -> " + got.size();
            findings.add("DuckDB rows differ, FAST output vs inputs (" + mode + "): " + Differences.blank(column),
                    "row " + row + "\ninputs: " + show(want, row) + "\noutput: " + show(got, row));
        }
    }

    /** A row with SQL NULL as NULL and every text quoted, so that NULL and the JSON text null read apart. */
    private static String show(List<List<String>> rows, int row) {
        return row < rows.size()
                ? rows.get(row).stream().map(v -> v == null ? "NULL" : "'" + v + "'").toList().toString()
                : "(none)";
    }

    private boolean someInputUnreadableAlone() {
        for (Path input : inputs) {
            try {
                duckDb.read(List.of(input));
            } catch (DuckDbReader.Unreadable e) {
                return true;
            }
        }
        return false;
    }
}
