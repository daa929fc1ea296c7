package dev.compactor.merge.decode;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.ParquetDecodingException;

import java.io.IOException;
import java.util.Arrays;

/** The data pages of one column chunk, in order, as {@link FlatPage}s, with the chunk's dictionary. */
public final class FlatPages {

    private final PageReader pages;
    private final ColumnDescriptor column;
    private DictionaryPage dictionaryPage;
    private boolean dictionaryPageRead;
    private Dictionary dictionary;
    private Object outputIdsOwner;
    private int[] outputIds;

    public FlatPages(PageReader pages, ColumnDescriptor column) {
        this.pages = pages;
        this.column = column;
    }

    /** The next page, or null after the last. */
    public FlatPage next() throws IOException {
        if (!dictionaryPageRead) {
            dictionaryPage = pages.readDictionaryPage();
            dictionaryPageRead = true;
        }
        DataPage page = pages.readPage();
        if (page == null) {
            return null;
        }
        if (!(page instanceof DataPageV1 v1)) {
            throw new ParquetDecodingException("a V2 page in " + column + ", whose footer lists only V1 pages");
        }
        Encoding encoding = v1.getValueEncoding();
        if (!encoding.usesDictionary()) {
            return new FlatPage(v1, column, null);
        }
        if (dictionary == null) {
            if (dictionaryPage == null) {
                throw new ParquetDecodingException("a dictionary-encoded page in " + column + " without a dictionary");
            }
            // the dictionary page's own encoding (PLAIN or PLAIN_DICTIONARY) decodes it; the data page's
            // RLE_DICTIONARY only says its values are ids into it
            dictionary = dictionaryPage.getEncoding().initDictionary(column, dictionaryPage);
        }
        return new FlatPage(v1, column, dictionary);
    }

    /**
     * The output ids of this chunk's dictionary entries in the output dictionary of {@code owner}, -1 where not
     * looked up yet; started afresh when another output dictionary asks, as ids are only valid in their own.
     */
    public int[] outputIds(Object owner) {
        if (owner != outputIdsOwner) {
            outputIds = new int[dictionary.getMaxId() + 1];
            Arrays.fill(outputIds, -1);
            outputIdsOwner = owner;
        }
        return outputIds;
    }

    /** The chunk's dictionary, once a dictionary-encoded page has been read; null before that. */
    public Dictionary dictionary() {
        return dictionary;
    }
}
