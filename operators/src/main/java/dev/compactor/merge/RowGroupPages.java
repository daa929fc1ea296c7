package dev.compactor.merge;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.values.bloomfilter.BloomFilterWriteStore;
import org.apache.parquet.column.values.bloomfilter.BloomFilterWriter;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The compressed pages of one output row group, written on the merge thread or, given a {@link PageWriteThread},
 * on that thread while the merge goes on; either way the row group reaches the file only after all its pages, and
 * with a page-write thread it is that thread that writes it there.
 */
final class RowGroupPages implements PageWriteStore, BloomFilterWriteStore {

    private final ColumnChunkPageWriteStore pages;
    /** Null: pages are written by the thread that hands them in. */
    private final PageWriteThread writeThread;
    private final Map<ColumnDescriptor, PageWriter> writers = new HashMap<>();
    /** Set once {@link #writeRowGroup} handed the pages to the page-write thread, which then releases them. */
    private boolean handedOver;

    RowGroupPages(ColumnChunkPageWriteStore pages, PageWriteThread writeThread) {
        this.pages = pages;
        this.writeThread = writeThread;
    }

    @Override
    public PageWriter getPageWriter(ColumnDescriptor column) {
        return writers.computeIfAbsent(column, c -> writeThread == null ? pages.getPageWriter(c)
                : writeThread.writingInto(pages.getPageWriter(c)));
    }

    @Override
    public BloomFilterWriter getBloomFilterWriter(ColumnDescriptor column) {
        return pages.getBloomFilterWriter(column);
    }

    /**
     * Writes the row group into the file, {@code rows} rows, once every page handed in is written, and then releases
     * the pages. Given a {@link PageWriteThread}, that thread writes it after the pages, and this returns without
     * waiting: the merge goes on with the next row group while this one reaches the file. Whoever uses the file
     * next waits for it ({@link PageWriteThread#awaitWritten()}).
     */
    void writeRowGroup(ParquetFileWriter file, long rows) throws IOException {
        if (writeThread == null) {
            write(file, rows);
        } else {
            handedOver = true;
            writeThread.runAfterPages(() -> write(file, rows));
        }
    }

    private void write(ParquetFileWriter file, long rows) throws IOException {
        try {
            file.startBlock(rows);
            pages.flushToFileWriter(file);
            file.endBlock();
        } finally {
            pages.close();
        }
    }

    /**
     * Releases the pages' buffers, unless they were handed over to be written; after a failure, only once no write
     * into them is in flight.
     */
    @Override
    public void close() {
        if (handedOver) {
            return;
        }
        if (writeThread != null) {
            try {
                writeThread.awaitWritten();
            } catch (IOException e) {
                // reported by the write that failed or by flushToFileWriter; here only the wait matters
            }
        }
        pages.close();
    }
}
