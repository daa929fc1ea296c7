package dev.compactor.merge.reference;

import dev.compactor.merge.FastEngine;
import dev.compactor.merge.MergeBudget;
import dev.compactor.merge.MergeEngine;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.plan.WindowSchema;
import dev.compactor.merge.sort.SpillDirectory;
import dev.compactor.merge.write.PartWriter;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The merge built only on parquet-java's own record reader and writer: every row of every input is read into a
 * {@link Group} in the input's schema and written as a record of the window's schema, whatever its types,
 * encodings, page versions and nesting. Slower than {@link FastEngine}, and the oracle it is tested against; it
 * also takes the windows and sorts the fast engine does not handle. Sorting goes through the {@link ExternalSort},
 * so memory stays bounded.
 */
public final class ReferenceEngine implements MergeEngine {

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceEngine.class);

    private final ObjectStore store;
    private final MergeSettings settings;
    private final MergeBudget budget;
    private final BytesInputCompressor runCompressor;

    public ReferenceEngine(ObjectStore store, MergeSettings settings, MergeBudget budget,
                           BytesInputCompressor runCompressor) {
        this.store = store;
        this.settings = settings;
        this.budget = budget;
        this.runCompressor = runCompressor;
    }

    @Override
    public void write(List<InputFooter> inputs, WindowSchema window, PartWriter parts, SpillDirectory spill)
            throws IOException {
        MessageType schema = window.schema();
        if (settings.sortColumnIfSet().isPresent()) {
            sort(inputs, schema, RowOrder.by(schema, settings.sortColumn()), parts, spill);
            return;
        }
        for (InputFooter in : inputs) {
            try (SourceRows rows = SourceRows.open(store, in, schema)) {
                for (Group row = rows.next(); row != null; row = rows.next()) {
                    write(parts, new RowOrder.Row(row, rows.fields(), in));
                }
            }
        }
        LOG.info("merged {} inputs in file order through parquet-java's records", inputs.size());
    }

    /** Sorts the inputs' rows through the external sort, stable, in bounded memory. */
    public void sort(List<InputFooter> inputs, MessageType schema, RowOrder order, PartWriter parts,
                     SpillDirectory spill) throws IOException {
        long rowBytes = MergeBudget.rowHeapBytes(inputs, schema.getColumns().size());
        int bufferRows = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, budget.readBytes() / rowBytes));
        try (ExternalSort sort = new ExternalSort(schema, order, bufferRows, budget.runRowGroupBytes(), budget.fanIn(),
                runCompressor, spill)) {
            for (InputFooter in : inputs) {
                try (SourceRows rows = SourceRows.open(store, in, schema)) {
                    for (Group row = rows.next(); row != null; row = rows.next()) {
                        sort.add(new RowOrder.Row(row, rows.fields(), in));
                    }
                }
            }
            sort.drainTo(row -> write(parts, row));
            LOG.info("sorted {} inputs by {} with {} rows per run: {} runs spilled, {} merge passes", inputs.size(),
                    settings.sortColumn(), bufferRows, sort.spilledRuns(), sort.mergePasses());
        }
    }

    private static void write(PartWriter parts, RowOrder.Row row) throws IOException {
        parts.write(row.group(), row.fields(), row.source());
    }
}
