package dev.compactor.merge.write;

import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.plan.IntegerRange;
import dev.compactor.merge.read.RowGroupRows;
import dev.compactor.merge.transcode.DictionaryPageTranscoder;
import dev.compactor.merge.transcode.PlainPageTranscoder;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;

import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT96;

/**
 * An output row group filled one column at a time from whole input row groups, for a schema whose columns are
 * all top-level fields. Every column keeps its own writer, so a column never waits on the others: a column
 * written without a dictionary takes the input's pages through {@link PlainPageTranscoder} where it can, a
 * dictionary column whose every input reads as flat pages through {@link DictionaryPageTranscoder}, and any
 * other column is copied value by value into a single-column store that writes into the same chunk.
 *
 * <p>A dictionary column's store stays open for the whole row group, so one dictionary covers the chunk. A plain
 * column's store is closed after each input row group, writing its last page before any transcoded page follows.
 */
final class ColumnarRowGroup implements AutoCloseable {

    private final MessageType schema;
    private final List<ColumnDescriptor> columns;
    private final ParquetProperties properties;
    private final RowGroupPages pages;
    private final boolean[] plain;
    private final PlainPageTranscoder[] transcoders;
    private final DictionaryPageTranscoder[] dictionaries;
    private final ColumnWriteStore[] valueStores;
    /** The chunk's page writer of each column (looking one up hashes the column's path). */
    private final PageWriter[] pageWriters;
    /** Per column, the range of its integer values when small, else null. */
    private final IntegerRange[] smallRanges;
    private long rows;

    ColumnarRowGroup(MessageType schema, ParquetProperties properties, RowGroupPages pages,
                     ColumnEncodings encodings) {
        this.schema = schema;
        this.columns = schema.getColumns();
        this.properties = properties;
        this.pages = pages;
        int n = columns.size();
        plain = new boolean[n];
        transcoders = new PlainPageTranscoder[n];
        dictionaries = new DictionaryPageTranscoder[n];
        valueStores = new ColumnWriteStore[n];
        pageWriters = new PageWriter[n];
        smallRanges = new IntegerRange[n];
        for (int c = 0; c < n; c++) {
            pageWriters[c] = pages.getPageWriter(columns.get(c));
            String path = String.join(".", columns.get(c).getPath());
            plain[c] = encodings.plain().contains(path);
            smallRanges[c] = encodings.smallRange(path);
            transcoders[c] = new PlainPageTranscoder(columns.get(c), properties.getPageSizeThreshold());
            if (encodings.dictionaryPages().contains(path)) {
                dictionaries[c] = newDictionary(c);
            }
        }
    }

    private DictionaryPageTranscoder newDictionary(int c) {
        return new DictionaryPageTranscoder(columns.get(c), properties.getDictionaryPageSizeThreshold(),
                properties.getPageSizeThreshold(), smallRanges[c]);
    }

    /** True when every leaf column is a top-level field, which single-column stores need. */
    static boolean supports(MessageType schema) {
        return schema.getColumns().stream().allMatch(c -> c.getPath().length == 1);
    }

    /**
     * True when rows can also be written in batches ({@link #writeRows}): every column flat and of a type whose
     * pages this class builds itself.
     */
    static boolean supportsRows(MessageType schema) {
        return schema.getColumns().stream().allMatch(c -> c.getPath().length == 1 && c.getMaxRepetitionLevel() == 0
                && c.getMaxDefinitionLevel() <= 1 && c.getPrimitiveType().getPrimitiveTypeName() != BOOLEAN
                && c.getPrimitiveType().getPrimitiveTypeName() != INT96);
    }

    /**
     * Adds a batch's rows, column by column, writing the pages that are full (after {@link #supportsRows}): a plain
     * column's pages and every other column's dictionary are built here, as for whole row groups. Not to be mixed
     * with {@link #append} in one row group.
     */
    void writeRows(RowBatch batch) throws IOException {
        for (int c = 0; c < pageWriters.length; c++) {
            if (plain[c]) {
                transcoders[c].writeRows(batch, c, pageWriters[c]);
                continue;
            }
            if (dictionaries[c] == null) {
                dictionaries[c] = newDictionary(c);
            }
            dictionaries[c].writeRows(batch, c, pageWriters[c]);
        }
        rows += batch.size();
    }

    /** Adds every row of an input row group. */
    void append(RowGroupRows in) throws IOException {
        for (int c = 0; c < columns.size(); c++) {
            ColumnDescriptor out = columns.get(c);
            if (dictionaries[c] != null) {
                dictionaries[c].transcode(in.pageReader(c), pageWriters[c]);
                continue;
            }
            if (plain[c] && PlainPageTranscoder.accepts(in.chunk(c), in.source(c), out)) {
                transcoders[c].transcode(in.pageReader(c), pageWriters[c]);
                continue;
            }
            // pages gathered so far come before the ones the store writes
            transcoders[c].flush(pageWriters[c]);
            ColumnWriteStore store = valueStores[c] == null ? openValueStore(out) : valueStores[c];
            valueStores[c] = store;
            in.copyColumn(c, store.getColumnWriter(out), store);
            if (plain[c]) {
                store.close();
                valueStores[c] = null;
            }
        }
        rows += in.rowCount();
    }

    long rows() {
        return rows;
    }

    /** Encoded bytes held for this row group: finished pages, compressed, and the open pages of value stores. */
    long bufferedBytes() {
        long total = 0;
        for (int c = 0; c < columns.size(); c++) {
            total += valueStores[c] != null ? valueStores[c].getBufferedSize() : pageWriters[c].getMemSize();
            total += transcoders[c].pendingBytes() + (dictionaries[c] == null ? 0 : dictionaries[c].pendingBytes());
        }
        return total;
    }

    /** Writes the row group to the file; the caller has checked it has rows. */
    void writeTo(ParquetFileWriter file) throws IOException {
        closeValueStores();
        for (int c = 0; c < columns.size(); c++) {
            transcoders[c].flush(pageWriters[c]);
            if (dictionaries[c] != null) {
                dictionaries[c].finish(pageWriters[c]);
            }
        }
        file.startBlock(rows);
        pages.flushToFileWriter(file);
        file.endBlock();
    }

    @Override
    public void close() {
        closeValueStores();
        pages.close();
    }

    private ColumnWriteStore openValueStore(ColumnDescriptor column) {
        MessageType single = new MessageType(schema.getName(), schema.getType(column.getPath()[0]));
        return properties.newColumnWriteStore(single, pages::getPageWriter);
    }

    private void closeValueStores() {
        for (int c = 0; c < valueStores.length; c++) {
            if (valueStores[c] != null) {
                valueStores[c].close();
                valueStores[c] = null;
            }
        }
    }
}
