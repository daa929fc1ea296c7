package dev.compactor.merge.read;

import dev.compactor.merge.decode.FlatPage;
import dev.compactor.merge.decode.FlatPages;
import dev.compactor.merge.plan.ColumnMapping;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PrimitiveIterator;

/**
 * A row group's pages decompressed all at once when the row group is decoded, not one by one as the merge reads
 * them, so that the thread decoding ahead (the prefetch) pays for decompressing, not the merge thread. Only the
 * chunks the merge reads as flat pages ({@link FlatPage#accepts}) are decompressed ahead (V2 pages as V1: {@link FlatPages#asV1}); any other
 * chunk is read from parquet-java's store as it would be without this.
 */
final class DecompressedPages implements PageReadStore {

    private final PageReadStore pages;
    private final Map<ColumnDescriptor, PageReader> decompressed = new HashMap<>();

    private DecompressedPages(PageReadStore pages) {
        this.pages = pages;
    }

    /** Decompresses the pages of every input column the mapping reads that is read as flat pages. */
    static DecompressedPages of(PageReadStore pages, BlockMetaData block, ColumnMapping mapping) throws IOException {
        Map<ColumnPath, ColumnChunkMetaData> chunks = new HashMap<>();
        block.getColumns().forEach(chunk -> chunks.put(chunk.getPath(), chunk));
        DecompressedPages result = new DecompressedPages(pages);
        for (int c = 0; c < mapping.outputColumns().size(); c++) {
            ColumnDescriptor in = mapping.source(c);
            if (in != null && !result.decompressed.containsKey(in)
                    && FlatPage.accepts(chunks.get(ColumnPath.get(in.getPath())), in)) {
                result.decompressed.put(in, decompressed(pages.getPageReader(in), in));
            }
        }
        return result;
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor column) {
        PageReader reader = decompressed.get(column);
        return reader != null ? reader : pages.getPageReader(column);
    }

    @Override
    public long getRowCount() {
        return pages.getRowCount();
    }

    @Override
    public Optional<Long> getRowIndexOffset() {
        return pages.getRowIndexOffset();
    }

    @Override
    public Optional<PrimitiveIterator.OfLong> getRowIndexes() {
        return pages.getRowIndexes();
    }

    @Override
    public void close() {
        decompressed.clear();
        pages.close();
    }

    /** One chunk's pages, read from parquet-java's page reader with their bytes decompressed into arrays. */
    private static HeldPages decompressed(PageReader from, ColumnDescriptor column) throws IOException {
        DictionaryPage dictionary = from.readDictionaryPage();
        ArrayDeque<DataPage> data = new ArrayDeque<>();
        for (DataPage page = from.readPage(); page != null; page = from.readPage()) {
            // parquet-java's decompressed bytes are a stream, read when first used: copying them reads it now
            data.add(page instanceof DataPageV1 v1 ? decompressed(v1)
                    : page instanceof DataPageV2 v2 ? FlatPages.asV1(v2, column) : page);
        }
        return new HeldPages(dictionary == null ? null : dictionary.copy(), data, from.getTotalValueCount());
    }

    private static DataPageV1 decompressed(DataPageV1 page) throws IOException {
        BytesInput bytes = BytesInput.copy(page.getBytes());
        if (page.getFirstRowIndex().isPresent() && page.getIndexRowCount().isPresent()) {
            return new DataPageV1(bytes, page.getValueCount(), page.getUncompressedSize(),
                    page.getFirstRowIndex().get(), page.getIndexRowCount().get(), page.getStatistics(),
                    page.getRlEncoding(), page.getDlEncoding(), page.getValueEncoding());
        }
        return new DataPageV1(bytes, page.getValueCount(), page.getUncompressedSize(), page.getStatistics(),
                page.getRlEncoding(), page.getDlEncoding(), page.getValueEncoding());
    }
}
