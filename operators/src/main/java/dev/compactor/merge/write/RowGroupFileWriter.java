package dev.compactor.merge.write;

import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.read.RowGroupRows;
import dev.compactor.merge.reference.GroupRecords;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.values.factory.DefaultV1ValuesWriterFactory;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Parquet file written row group by row group, from five kinds of input that may be mixed: rows copied
 * value by value ({@link RowGroupRows}), parquet-java records ({@link GroupRecords}), batches of decoded rows and whole input row groups added
 * column by column ({@link ColumnarRowGroup}), and whole row groups of another file copied as bytes. Encoded rows are buffered
 * into the open row group until the caller ends it. Rows and columns are not mixed within one row group: switching
 * between them ends the open one. An appended row group always comes after the rows written before it, so the
 * file keeps the order rows arrive in.
 *
 * <p>Statistics and page indexes are written for re-encoded row groups and carried over for copied ones.
 */
public final class RowGroupFileWriter implements AutoCloseable {

    /** Buffered size is summed over all columns, so it is checked only every so many rows. */
    private static final int ROWS_PER_SIZE_CHECK = 16;

    private final MessageType schema;
    private final List<ColumnDescriptor> columns;
    private final ParquetProperties properties;
    private final BytesInputCompressor compressor;
    private final ParquetFileWriter file;
    /** Null when the footer's schema is parquet-java's own (sort runs, which only this merge reads). */
    private final ExactSchemaOutputFile exactSchema;
    private RecordConsumer records;
    private final Map<String, String> metadata;
    private final ColumnEncodings encodings;

    /** Batches of rows ({@link #writeRows}) go to a {@link ColumnarRowGroup} when the schema allows it. */
    private final boolean rowsByColumns;
    private ColumnarRowGroup columnar;
    /** True while the open columnar row group takes batches of rows rather than whole input row groups. */
    private boolean columnarRows;
    /** Null: pages are compressed on the thread that writes rows. */
    private final PageWriteThread pageWriteThread;
    private RowGroupPages pages;
    private ColumnWriteStore store;
    private ColumnWriter[] writers;
    private long openRows;
    private long rows;
    private int rowGroups;
    private long bufferedBytes;

    /**
     * @param encodings    which columns are written without a dictionary, and which through dictionary pages
     * @param elements     the footer's schema exactly as the inputs wrote it ({@link ExactSchemaOutputFile}); null
     *                     to keep parquet-java's
     * @param metadata     key-value metadata of the footer
     * @param pageWriteThread where pages are compressed and buffered; null for the calling thread
     */
    public RowGroupFileWriter(OutputFile out, MessageType schema, List<SchemaElement> elements,
                       BytesInputCompressor compressor, int pageBytes, ColumnEncodings encodings, Map<String, String> metadata,
                       PageWriteThread pageWriteThread) throws IOException {
        this.schema = schema;
        this.pageWriteThread = pageWriteThread;
        this.columns = schema.getColumns();
        this.compressor = compressor;
        // parquet-java's default values-writer factories are static instances that every build() re-initializes
        // with its own properties (ParquetFileWriter builds defaults too): without a factory of our own (V1, the
        // writer version used), the dictionary choices below would be whatever properties were built last in the
        // JVM, another window's merge included.
        ParquetProperties.Builder props = ParquetProperties.builder()
                .withValuesWriterFactory(new ExactFloatValuesWriters(new DefaultV1ValuesWriterFactory()))
                .withPageSize(pageBytes)
                .withDictionaryPageSize(Math.max(pageBytes, ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE / 4))
                .withAllocator(new HeapByteBufferAllocator());
        encodings.plain().forEach(c -> props.withDictionaryEncoding(c, false));
        this.properties = props.build();
        this.encodings = encodings;
        this.rowsByColumns = ColumnarRowGroup.supportsRows(schema);
        this.exactSchema = elements == null ? null : new ExactSchemaOutputFile(out, elements);
        this.file = new ParquetFileWriter(exactSchema == null ? out : exactSchema, schema, ParquetFileWriter.Mode.OVERWRITE, Long.MAX_VALUE, 0,
                properties.getColumnIndexTruncateLength(), properties.getStatisticsTruncateLength(), false);
        // sorted, so the footer's bytes do not depend on hash order
        this.metadata = new TreeMap<>(metadata);
        file.start();
    }

    /**
     * parquet-java's column writers of the open row group in output column order, for rows copied one value at a
     * time; valid until the next call that may end the row group.
     */
    ColumnWriter[] columnWriters() throws IOException {
        if (store == null) {
            openRowGroup();
        }
        return writers;
    }

    /** Ends a row group of rows, if one is open, and opens one filled by columns; only when {@link ColumnarRowGroup#supports}. */
    void startColumns() throws IOException {
        if (store != null || columnarRows) {
            endRowGroup();
        }
        if (columnar == null) {
            columnar = new ColumnarRowGroup(schema, properties, newPageStore(), encodings);
        }
    }

    /** Adds every row of an input row group column by column, after {@link #startColumns()}. */
    void appendColumns(RowGroupRows in) throws IOException {
        columnar.append(in);
        openRows += in.rowCount();
        rows += in.rowCount();
        bufferedBytes = columnar.bufferedBytes();
    }

    /** True when rows can be written in batches ({@link #writeRows}): {@link ColumnarRowGroup#supportsRows}. */
    boolean writesBatches() {
        return rowsByColumns;
    }

    /** Writes a batch's rows into the open row group of rows; only when {@link #writesBatches()}. */
    void writeRows(RowBatch batch) throws IOException {
        if (!columnarRows) {
            // a row group of whole input row groups, or of rows copied value by value, ends first
            endRowGroup();
            columnar = new ColumnarRowGroup(schema, properties, newPageStore(), encodings);
            columnarRows = true;
        }
        columnar.writeRows(batch);
        openRows += batch.size();
        rows += batch.size();
        bufferedBytes = columnar.bufferedBytes();
    }

    /** Completes a row written through {@link #columnWriters()}. */
    void endRow() throws IOException {
        store.endRecord();
        countRow();
    }

    /** Writes a row read by {@link GroupRecords}, its fields mapped by {@link GroupRecords#fieldsOf}. */
    public void write(Group row, int[] fieldsOf) throws IOException {
        if (store == null) {
            openRowGroup();
        }
        GroupRecords.write(records, schema, row, fieldsOf);
        countRow();
    }

    /** Copies a row group of a file whose schema is exactly this one, ending the open row group first. */
    void appendRowGroup(SeekableInputStream from, BlockMetaData block, IndexSource indexes) throws IOException {
        endRowGroup();
        file.startBlock(block.getRowCount());
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            ColumnDescriptor column = schema.getColumnDescription(chunk.getPath().toArray());
            file.appendColumnChunk(column, from, chunk, null, indexes.columnIndex(chunk), indexes.offsetIndex(chunk));
        }
        file.endBlock();
        rows += block.getRowCount();
        rowGroups++;
    }

    /** Writes the open row group, if it has rows. */
    public void endRowGroup() throws IOException {
        if (columnar != null) {
            try {
                if (openRows > 0) {
                    columnar.writeTo(file);
                    rowGroups++;
                }
            } finally {
                columnar.close();
                columnar = null;
                columnarRows = false;
                openRows = 0;
                bufferedBytes = 0;
            }
            return;
        }
        if (store == null) {
            return;
        }
        if (openRows > 0) {
            file.startBlock(openRows);
            if (records != null) {
                // parquet-java's record writer holds back the nulls of empty and missing groups until flushed: a
                // column of only those would otherwise have no values, and its page none ("writing empty page")
                records.flush();
            }
            store.flush();
            pages.flushToFileWriter(file);
            file.endBlock();
            rowGroups++;
        }
        store.close();
        pages.close();
        store = null;
        pages = null;
        records = null;
        openRows = 0;
        bufferedBytes = 0;
    }

    /** Encoded bytes of the open row group so far (refreshed every few rows). */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** Rows of the open row group. */
    long openRows() {
        return openRows;
    }

    /** Bytes in the file so far, the open row group not included. */
    long writtenBytes() throws IOException {
        return file.getPos();
    }

    long rows() {
        return rows;
    }

    int rowGroups() {
        return rowGroups;
    }

    /** Ends the open row group and writes the footer. */
    @Override
    public void close() throws IOException {
        endRowGroup();
        if (exactSchema != null) {
            exactSchema.holdTail();
        }
        file.end(metadata);
    }

    private void openRowGroup() throws IOException {
        endRowGroup();
        pages = newPageStore();
        store = properties.newColumnWriteStore(schema, pages, pages);
        writers = new ColumnWriter[columns.size()];
        for (int c = 0; c < writers.length; c++) {
            writers[c] = store.getColumnWriter(columns.get(c));
        }
        records = new ColumnIOFactory(false).getColumnIO(schema).getRecordWriter(store);
    }

    private RowGroupPages newPageStore() {
        return new RowGroupPages(new ColumnChunkPageWriteStore(pageWriteThread == null ? compressor
                : pageWriteThread.compressingWith(compressor), schema, properties.getAllocator(),
                properties.getColumnIndexTruncateLength(), properties.getPageWriteChecksumEnabled()), pageWriteThread);
    }

    private void countRow() {
        openRows++;
        rows++;
        if (openRows % ROWS_PER_SIZE_CHECK == 0) {
            bufferedBytes = store.getBufferedSize();
        }
    }

    /** Where the page indexes of a copied row group come from. */
    public interface IndexSource {
        org.apache.parquet.internal.column.columnindex.ColumnIndex columnIndex(ColumnChunkMetaData chunk)
                throws IOException;

        org.apache.parquet.internal.column.columnindex.OffsetIndex offsetIndex(ColumnChunkMetaData chunk)
                throws IOException;
    }
}
