package dev.compactor.merge.fuzz;

import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.StagedWindow;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one merge staged, read back by parquet-java: each part's schema and all rows in part order. {@code error}
 * is set instead when the merge threw, set inputs aside, or wrote a part parquet-java cannot read; its first line
 * says which, and is what the report groups by.
 */
record MergedOutput(List<MessageType> schemas, List<List<String>> rows, List<Group> groups, List<Path> parts,
                    String error) {

    private static final int TRACE_LINES = 20;

    static MergedOutput of(ParquetMerger merger, CompactionTask task, UnsyncedLocalStore store, GroupType columns) {
        StagedWindow staged;
        try {
            staged = merger.merge(task);
        } catch (Exception | StackOverflowError e) {
            return failed("merge threw " + trace(e));
        }
        if (!staged.quarantined.isEmpty() || !staged.missing.isEmpty()) {
            List<String> reasons = staged.quarantined.stream().map(q -> q.reason).distinct().toList();
            return failed("merge set inputs aside: " + (reasons.isEmpty() ? "none" : reasons.get(0))
                    + "\nall reasons: " + reasons + "\nmissing: " + staged.missing);
        }
        List<MessageType> schemas = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<Path> parts = new ArrayList<>();
        for (StagedWindow.Part p : staged.parts) {
            try {
                ParquetRows part = ParquetRows.read(store.inputFile(p.stagingKey), columns);
                schemas.add(part.schema());
                rows.addAll(part.rows());
                groups.addAll(part.groups());
                parts.add(store.pathOf(p.stagingKey));
            } catch (IOException | RuntimeException e) {
                return failed("parquet-java cannot read a part the merge wrote: " + trace(e));
            }
        }
        return new MergedOutput(schemas, rows, groups, parts, null);
    }

    private static MergedOutput failed(String error) {
        return new MergedOutput(List.of(), List.of(), List.of(), List.of(), error);
    }

    /** The exception and enough of its stack trace to see where it happened, while the report stays readable. */
    private static String trace(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString().lines().limit(TRACE_LINES).collect(Collectors.joining("\n"));
    }
}
