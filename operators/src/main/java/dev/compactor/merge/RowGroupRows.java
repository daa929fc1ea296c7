package dev.compactor.merge;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.util.List;

/**
 * The rows of one decoded row group, copied into the output one row at a time but value by value, column by
 * column: no row object is ever built. Values keep their type; only definition levels move when a top-level
 * column became optional, and a column the input lacks is written as null.
 */
final class RowGroupRows implements AutoCloseable {

    private final PageReadStore pages;
    private final ColumnReader[] readers;
    private final PrimitiveTypeName[] types;
    private final int[] maxDefinition;
    private final int[] shift;
    private final boolean[] repeated;
    private final long[] valuesLeft;
    private long rowsLeft;

    RowGroupRows(PageReadStore pages, MessageType fileSchema, String createdBy, ColumnMapping mapping) {
        this.pages = pages;
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new IgnoringConverter(fileSchema), fileSchema,
                createdBy);
        List<ColumnDescriptor> outs = mapping.outputColumns();
        int n = outs.size();
        readers = new ColumnReader[n];
        types = new PrimitiveTypeName[n];
        maxDefinition = new int[n];
        shift = new int[n];
        repeated = new boolean[n];
        valuesLeft = new long[n];
        for (int c = 0; c < n; c++) {
            ColumnDescriptor in = mapping.source(c);
            types[c] = outs.get(c).getPrimitiveType().getPrimitiveTypeName();
            repeated[c] = outs.get(c).getMaxRepetitionLevel() > 0;
            if (in != null) {
                readers[c] = store.getColumnReader(in);
                maxDefinition[c] = in.getMaxDefinitionLevel();
                shift[c] = mapping.definitionShift(c);
                valuesLeft[c] = readers[c].getTotalValueCount();
            }
        }
        rowsLeft = pages.getRowCount();
    }

    boolean hasRow() {
        return rowsLeft > 0;
    }

    /** The reader of an output column, positioned at the current row's first value; null if the input lacks it. */
    ColumnReader reader(int outputColumn) {
        return readers[outputColumn];
    }

    /** True when the current row's value of a non-repeated output column is null. */
    boolean isNull(int outputColumn) {
        ColumnReader r = readers[outputColumn];
        return r == null || r.getCurrentDefinitionLevel() < maxDefinition[outputColumn];
    }

    /** Writes the current row into {@code writers} (in output column order) and moves to the next row. */
    void copyRow(ColumnWriter[] writers) {
        for (int c = 0; c < readers.length; c++) {
            ColumnReader r = readers[c];
            if (r == null) {
                writers[c].writeNull(0, 0);
            } else if (!repeated[c]) {
                copyValue(c, r, writers[c]);
            } else {
                // A repeated column holds several values per row; the next row starts at repetition level 0.
                do {
                    copyValue(c, r, writers[c]);
                } while (valuesLeft[c] > 0 && r.getCurrentRepetitionLevel() != 0);
            }
        }
        rowsLeft--;
    }

    /** Gives the row group's buffers back; parquet-java keeps them reachable until then. */
    @Override
    public void close() {
        pages.close();
    }

    private void copyValue(int c, ColumnReader r, ColumnWriter w) {
        int rl = r.getCurrentRepetitionLevel();
        int dl = r.getCurrentDefinitionLevel();
        int outDl = dl + shift[c];
        if (dl < maxDefinition[c]) {
            w.writeNull(rl, outDl);
        } else {
            switch (types[c]) {
                case INT64 -> w.write(r.getLong(), rl, outDl);
                case INT32 -> w.write(r.getInteger(), rl, outDl);
                case DOUBLE -> w.write(r.getDouble(), rl, outDl);
                case FLOAT -> w.write(r.getFloat(), rl, outDl);
                case BOOLEAN -> w.write(r.getBoolean(), rl, outDl);
                // Marked reused: statistics, page indexes and dictionaries then keep copies of the few values
                // they hold, not slices that pin whole input pages until the output file is closed.
                case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 ->
                        w.write(Binary.fromReusedByteBuffer(r.getBinary().toByteBuffer()), rl, outDl);
            }
        }
        r.consume();
        valuesLeft[c]--;
    }
}
