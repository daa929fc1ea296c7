package dev.compactor.merge;

import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.plan.WindowSchema;
import dev.compactor.merge.read.InputPrefetch;
import dev.compactor.merge.read.RowGroupRows;
import dev.compactor.merge.read.SourceRowGroups;
import dev.compactor.merge.reference.ReferenceEngine;
import dev.compactor.merge.reference.RowOrder;
import dev.compactor.merge.sort.SortColumn;
import dev.compactor.merge.sort.SortedMerge;
import dev.compactor.merge.sort.SpillDirectory;
import dev.compactor.merge.sort.UnsortedInputException;
import dev.compactor.merge.write.PartWriter;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The merge that copies what it can. In file order, a large row group of an input in exactly the output's schema
 * is copied as bytes; other row groups are decoded and re-encoded value by value, column by column
 * ({@link RowGroupRows}), and coalesced into row groups of the configured size. Sorted, inputs that are each in
 * sort order are streamed through a k-way merge ({@link SortedMerge}).
 *
 * <p>What it does not handle goes to the {@link ReferenceEngine} for the whole window: an input it cannot map
 * column by column, a sort column it does not compare exactly as Parquet orders the type, and inputs that are not
 * each sorted (the external sort).
 */
public final class FastEngine implements MergeEngine {

    private static final Logger LOG = LoggerFactory.getLogger(FastEngine.class);

    private final ObjectStore store;
    private final MergeSettings settings;
    private final MergeBudget budget;
    private final BytesInputCompressor runCompressor;
    private final ReferenceEngine reference;

    FastEngine(ObjectStore store, MergeSettings settings, MergeBudget budget, BytesInputCompressor runCompressor,
               ReferenceEngine reference) {
        this.store = store;
        this.settings = settings;
        this.budget = budget;
        this.runCompressor = runCompressor;
        this.reference = reference;
    }

    @Override
    public void write(List<InputFooter> inputs, WindowSchema window, PartWriter parts, SpillDirectory spill)
            throws IOException {
        MessageType schema = window.schema();
        List<ColumnMapping> mappings = new ArrayList<>();
        for (InputFooter in : inputs) {
            Optional<ColumnMapping> mapping = ColumnMapping.between(in.parquetSchema(), schema);
            if (mapping.isEmpty()) {
                LOG.info("{} cannot be read column by column into the window's schema; the reference engine merges "
                        + "the window", in.key());
                reference.write(inputs, window, parts, spill);
                return;
            }
            mappings.add(mapping.get());
        }
        if (settings.sortColumnIfSet().isEmpty()) {
            writeInFileOrder(inputs, mappings, parts);
        } else {
            writeSorted(inputs, mappings, schema, parts, spill);
        }
    }

    /**
     * Large row groups of inputs in the output's schema are copied as bytes, everything else is re-encoded into
     * row groups of the configured size. Rows keep file order, so a copied row group ends the row group being
     * encoded before it.
     */
    private void writeInFileOrder(List<InputFooter> inputs, List<ColumnMapping> mappings, PartWriter parts)
            throws IOException {
        long[] copiedAndReencoded = new long[2];
        List<InputPrefetch.Input> reads = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            InputFooter in = inputs.get(i);
            boolean decodesFirst = !in.rowGroups().isEmpty() && !copies(mappings.get(i), in.rowGroups().get(0));
            reads.add(new InputPrefetch.Input(in, mappings.get(i),
                    decodesFirst ? InputPrefetch.FirstRowGroup.DECODED : InputPrefetch.FirstRowGroup.FETCHED));
        }
        try (InputPrefetch prefetch = new InputPrefetch(store, reads, budget.readBytes() / 2)) {
            for (int i = 0; i < inputs.size(); i++) {
                try (SourceRowGroups groups = prefetch.openRowGroups(i)) {
                    writeInFileOrder(groups, inputs.get(i), mappings.get(i), parts, copiedAndReencoded);
                }
            }
        }
        LOG.info("merged {} inputs in file order: {} row groups copied as bytes, {} rows re-encoded",
                inputs.size(), copiedAndReencoded[0], copiedAndReencoded[1]);
    }

    private void writeInFileOrder(SourceRowGroups groups, InputFooter in, ColumnMapping mapping, PartWriter parts,
                                  long[] copiedAndReencoded) throws IOException {
        while (groups.hasNext()) {
            if (copies(mapping, groups.peek())) {
                groups.copyNext(parts);
                copiedAndReencoded[0]++;
            } else {
                try (RowGroupRows rows = groups.decodeNext()) {
                    copiedAndReencoded[1] += parts.writesColumns() ? copyColumns(in, rows, parts)
                            : copyRows(in, rows, parts);
                }
            }
        }
    }

    /** True when a row group is copied as bytes: large, and in exactly the output's schema. */
    private boolean copies(ColumnMapping mapping, BlockMetaData block) {
        return mapping.identical() && settings.copies(block.getCompressedSize(), block.getRowCount());
    }

    private static long copyColumns(InputFooter in, RowGroupRows rows, PartWriter parts) throws IOException {
        parts.appendColumns(rows, in);
        return rows.rowCount();
    }

    private static long copyRows(InputFooter in, RowGroupRows rows, PartWriter parts) throws IOException {
        long n = 0;
        while (rows.hasRow()) {
            // outside the try: a part that cannot be opened is the output's failure, not the input's
            org.apache.parquet.column.ColumnWriter[] writers = parts.columnWriters();
            try {
                rows.copyRow(writers);
            } catch (RuntimeException e) {
                throw new UnreadableInputException(in, e);
            }
            parts.endRow();
            n++;
        }
        return n;
    }

    /**
     * Streams a k-way merge when the sort column compares here as Parquet orders it, and every input's statistics
     * do not rule out being sorted; the reference engine's external sort takes the window otherwise, or when an
     * input turns out unsorted.
     */
    private void writeSorted(List<InputFooter> inputs, List<ColumnMapping> mappings, MessageType schema,
                             PartWriter parts, SpillDirectory spill) throws IOException {
        String column = settings.sortColumn();
        RowOrder order = RowOrder.by(schema, column);
        Optional<SortColumn> key = SortColumn.of(schema, column);
        List<SortedMerge.Source> sources = new ArrayList<>();
        String why = key.isEmpty() ? "its type is ordered by the reference engine" : null;
        for (int i = 0; i < inputs.size() && why == null; i++) {
            InputFooter in = inputs.get(i);
            if (!key.get().rowGroupsMayBeSorted(in.rowGroups())) {
                why = in.key() + " has row groups out of order";
            } else {
                sources.add(SortedMerge.Source.of(in, mappings.get(i)));
            }
        }
        if (why == null) {
            SortedMerge merge = new SortedMerge(schema, key.get(), store, budget.readBytes(), budget.readBytes() / 4,
                    budget.runRowGroupBytes(), runCompressor, spill);
            try {
                merge.mergeInto(sources, parts);
                LOG.info("merged {} sorted inputs by {}: {} runs spilled, {} passes, {}", sources.size(), column,
                        merge.runsWritten(), merge.passes(),
                        merge.batched() ? "rows in batches" : "rows copied value by value");
                return;
            } catch (UnsortedInputException e) {
                why = e.getMessage();
                parts.abort(e);
            }
        }
        LOG.info("sorting {} inputs by {} through an external sort: {}", inputs.size(), column, why);
        reference.sort(inputs, schema, order, parts, spill);
    }
}
