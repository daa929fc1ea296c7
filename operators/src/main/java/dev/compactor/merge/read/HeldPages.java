package dev.compactor.merge.read;

import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;

import java.util.ArrayDeque;

/** One column chunk's pages, already decompressed and held in memory, handed out in order. */
final class HeldPages implements PageReader {

    private final DictionaryPage dictionary;
    private final ArrayDeque<DataPage> data;
    private final long totalValueCount;

    /** @param dictionary the chunk's dictionary page, or null */
    HeldPages(DictionaryPage dictionary, ArrayDeque<DataPage> data, long totalValueCount) {
        this.dictionary = dictionary;
        this.data = data;
        this.totalValueCount = totalValueCount;
    }

    @Override
    public DictionaryPage readDictionaryPage() {
        return dictionary;
    }

    @Override
    public long getTotalValueCount() {
        return totalValueCount;
    }

    @Override
    public DataPage readPage() {
        return data.poll();
    }
}
