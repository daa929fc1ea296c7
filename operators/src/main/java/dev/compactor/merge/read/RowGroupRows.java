package dev.compactor.merge.read;

import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.decode.DecodedColumn;
import dev.compactor.merge.decode.FlatPage;
import dev.compactor.merge.decode.FlatPages;
import dev.compactor.merge.decode.PageColumnReader;
import dev.compactor.merge.plan.ColumnMapping;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one decoded row group, copied into the output value by value, either a row at a time across all
 * columns or a whole column at a time, or read into arrays ({@link #decodeColumn}): no row object is ever built. Values keep their type; only definition
 * levels move when a top-level column became optional, and a column the input lacks is written as null. A
 * column's reader is created when first used, so a column whose pages are taken whole
 * ({@link #pageReader}) is never decoded.
 */
public final class RowGroupRows implements AutoCloseable {

    private final PageReadStore pages;
    private final ColumnReadStoreImpl readStore;
    private final ColumnMapping mapping;
    private final Map<ColumnPath, ColumnChunkMetaData> chunks = new HashMap<>();
    private final ColumnReader[] readers;
    private final PrimitiveTypeName[] types;
    private final int[] maxDefinition;
    private final int[] shift;
    private final boolean[] repeated;
    private final long[] valuesLeft;
    private long rowsLeft;

    RowGroupRows(PageReadStore pages, BlockMetaData block, MessageType fileSchema, String createdBy,
                 ColumnMapping mapping) {
        this.pages = pages;
        this.mapping = mapping;
        this.readStore = new ColumnReadStoreImpl(pages, new IgnoringConverter(fileSchema), fileSchema, createdBy);
        block.getColumns().forEach(chunk -> chunks.put(chunk.getPath(), chunk));
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
                maxDefinition[c] = in.getMaxDefinitionLevel();
                shift[c] = mapping.definitionShift(c);
            }
        }
        rowsLeft = pages.getRowCount();
    }

    public boolean hasRow() {
        return rowsLeft > 0;
    }

    public long rowCount() {
        return pages.getRowCount();
    }

    public int columnCount() {
        return readers.length;
    }

    /**
     * Reads every row of an output column into arrays; only before any row of it was copied. A column the input
     * lacks is all nulls.
     */
    public DecodedColumn decodeColumn(int outputColumn, DecodedArrays arrays) throws IOException {
        int rows = Math.toIntExact(pages.getRowCount());
        ColumnDescriptor in = mapping.source(outputColumn);
        if (in == null) {
            return DecodedColumn.absent();
        }
        ColumnChunkMetaData chunk = chunk(outputColumn);
        if (FlatPage.accepts(chunk, in)) {
            return DecodedColumn.readPages(new FlatPages(pages.getPageReader(in), in), types[outputColumn],
                    maxDefinition[outputColumn] > 0, rows, chunk.getTotalUncompressedSize(), arrays);
        }
        return DecodedColumn.read(reader(outputColumn), types[outputColumn], maxDefinition[outputColumn], rows,
                chunk.getTotalUncompressedSize(), arrays);
    }

    /** The input's column feeding an output column; null if the input lacks it. */
    public ColumnDescriptor source(int outputColumn) {
        return mapping.source(outputColumn);
    }

    /** The footer's metadata of the input's chunk feeding an output column; null if the input lacks it. */
    public ColumnChunkMetaData chunk(int outputColumn) {
        ColumnDescriptor in = mapping.source(outputColumn);
        return in == null ? null : chunks.get(ColumnPath.get(in.getPath()));
    }

    /** The raw pages of an output column's source, for a column that is not read value by value. */
    public PageReader pageReader(int outputColumn) {
        return pages.getPageReader(mapping.source(outputColumn));
    }

    /** The reader of an output column, positioned at the current row's first value; null if the input lacks it. */
    public ColumnReader reader(int outputColumn) {
        if (readers[outputColumn] != null) {
            return readers[outputColumn];
        }
        ColumnDescriptor in = mapping.source(outputColumn);
        if (in != null) {
            ColumnChunkMetaData chunk = chunks.get(ColumnPath.get(in.getPath()));
            readers[outputColumn] = FlatPage.accepts(chunk, in) ? new PageColumnReader(in, pages.getPageReader(in))
                    : readStore.getColumnReader(in);
            valuesLeft[outputColumn] = readers[outputColumn].getTotalValueCount();
        }
        return readers[outputColumn];
    }

    /** True when the current row's value of a non-repeated output column is null. */
    public boolean isNull(int outputColumn) {
        ColumnReader r = reader(outputColumn);
        return r == null || r.getCurrentDefinitionLevel() < maxDefinition[outputColumn];
    }

    /** Writes the current row into {@code writers} (in output column order) and moves to the next row. */
    public void copyRow(ColumnWriter[] writers) {
        for (int c = 0; c < readers.length; c++) {
            copyRowOf(c, writers[c]);
        }
        rowsLeft--;
    }

    /**
     * Writes one column of every row into a writer of its own store, ending a record after each row so the store
     * cuts pages. Independent of {@link #copyRow}; a column is copied either way, never both.
     */
    public void copyColumn(int outputColumn, ColumnWriter writer, ColumnWriteStore store) {
        for (long row = pages.getRowCount(); row > 0; row--) {
            copyRowOf(outputColumn, writer);
            store.endRecord();
        }
    }

    private void copyRowOf(int c, ColumnWriter writer) {
        ColumnReader r = reader(c);
        if (r == null) {
            writer.writeNull(0, 0);
        } else if (!repeated[c]) {
            copyValue(c, r, writer);
        } else {
            // A repeated column holds several values per row; the next row starts at repetition level 0. A row
            // that starts elsewhere means the input's pages do not start on rows: its levels are corrupt.
            if (r.getCurrentRepetitionLevel() != 0) {
                throw new ParquetDecodingException("a row of column " + String.join(".", mapping.source(c).getPath())
                        + " starts at repetition level " + r.getCurrentRepetitionLevel()
                        + ": its pages do not start on record boundaries");
            }
            do {
                copyValue(c, r, writer);
            } while (valuesLeft[c] > 0 && r.getCurrentRepetitionLevel() != 0);
        }
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
                // Marked reused for parquet-java's writers: statistics, page indexes and dictionaries then keep
                // copies of the few values they hold, not slices that pin whole input pages until the output file
                // is closed.
                case BINARY, FIXED_LEN_BYTE_ARRAY, INT96 -> {
                    Binary b = r.getBinary();
                    w.write(b.isBackingBytesReused() ? b : Binary.fromReusedByteBuffer(b.toByteBuffer()), rl, outDl);
                }
            }
        }
        r.consume();
        valuesLeft[c]--;
    }
}
