package dev.compactor.merge.write;

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
 * on that thread while the merge goes on; either way the row group reaches the file only after all its pages.
 */
final class RowGroupPages implements PageWriteStore, BloomFilterWriteStore {

    private final ColumnChunkPageWriteStore pages;
    /** Null: pages are written by the thread that hands them in. */
    private final PageWriteThread writeThread;
    private final Map<ColumnDescriptor, PageWriter> writers = new HashMap<>();

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

    /** Writes the row group's column chunks into the file, once every page handed in is written. */
    void flushToFileWriter(ParquetFileWriter file) throws IOException {
        if (writeThread != null) {
            writeThread.awaitWritten();
        }
        pages.flushToFileWriter(file);
    }

    /** Releases the pages' buffers; after a failure, only once no write into them is in flight. */
    @Override
    public void close() {
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
