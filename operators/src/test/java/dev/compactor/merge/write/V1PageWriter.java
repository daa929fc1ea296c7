package dev.compactor.merge.write;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;

import java.io.IOException;

/**
 * A page writer for tests that takes V1 data pages only: every {@code writePage} reaches the one with row count
 * and size statistics, and the writer's size is what the subclass counts in {@link #size}.
 */
public abstract class V1PageWriter implements PageWriter {

    protected long size;

    @Override
    public abstract void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                                   SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                                   Encoding valuesEncoding) throws IOException;

    @Override
    public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding rlEncoding,
                          Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
        writePage(bytes, valueCount, valueCount, statistics, null, rlEncoding, dlEncoding, valuesEncoding);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                          Encoding rlEncoding, Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
        writePage(bytes, valueCount, rowCount, statistics, null, rlEncoding, dlEncoding, valuesEncoding);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
                            BytesInput definitionLevels, Encoding dataEncoding, BytesInput data,
                            Statistics<?> statistics) {
        throw new UnsupportedOperationException("V1 pages only");
    }

    @Override
    public void writeDictionaryPage(DictionaryPage dictionaryPage) {
        throw new UnsupportedOperationException("no dictionary");
    }

    @Override
    public long getMemSize() {
        return size;
    }

    @Override
    public long allocatedSize() {
        return size;
    }

    @Override
    public String memUsageString(String prefix) {
        return prefix + size;
    }
}
