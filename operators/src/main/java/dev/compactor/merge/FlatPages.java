package dev.compactor.merge;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.util.Arrays;

/** The data pages of one column chunk, in order, as {@link FlatPage}s, with the chunk's dictionary. */
final class FlatPages {

    private final PageReader pages;
    private final ColumnDescriptor column;
    private DictionaryPage dictionaryPage;
    private boolean dictionaryPageRead;
    private Dictionary dictionary;
    /** A BINARY or FIXED_LEN_BYTE_ARRAY dictionary's entries, in one array of their own and marked reused. */
    private Binary[] binaryEntries;
    private Object outputIdsOwner;
    private int[] outputIds;

    FlatPages(PageReader pages, ColumnDescriptor column) {
        this.pages = pages;
        this.column = column;
    }

    /** The next page, or null after the last. */
    FlatPage next() throws IOException {
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
            return new FlatPage(v1, column, null, null);
        }
        if (dictionary == null) {
            if (dictionaryPage == null) {
                throw new ParquetDecodingException("a dictionary-encoded page in " + column + " without a dictionary");
            }
            dictionary = encoding.initDictionary(column, dictionaryPage);
            binaryEntries = binaryEntries(dictionary, column);
        }
        return new FlatPage(v1, column, dictionary, binaryEntries);
    }

    /**
     * Entries handed out per value must not pin the input's dictionary page once kept (by statistics, an output
     * dictionary), and must not cost an allocation per value either: they are copied once, into one array, and
     * marked reused, so whoever keeps one takes its own copy.
     */
    private static Binary[] binaryEntries(Dictionary dictionary, ColumnDescriptor column) {
        PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
        if (type != PrimitiveTypeName.BINARY && type != PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
            return null;
        }
        Binary[] entries = new Binary[dictionary.getMaxId() + 1];
        int total = 0;
        for (int id = 0; id < entries.length; id++) {
            entries[id] = dictionary.decodeToBinary(id);
            total += entries[id].length();
        }
        byte[] bytes = new byte[total];
        int at = 0;
        for (int id = 0; id < entries.length; id++) {
            int length = entries[id].length();
            entries[id].toByteBuffer().get(bytes, at, length);
            entries[id] = Binary.fromReusedByteArray(bytes, at, length);
            at += length;
        }
        return entries;
    }

    /** A BINARY or FIXED_LEN_BYTE_ARRAY dictionary entry, marked reused (see {@link #binaryEntries}). */
    Binary binaryEntry(int id) {
        return binaryEntries[id];
    }

    /**
     * The output ids of this chunk's dictionary entries in the output dictionary of {@code owner}, -1 where not
     * looked up yet; started afresh when another output dictionary asks, as ids are only valid in their own.
     */
    int[] outputIds(Object owner) {
        if (owner != outputIdsOwner) {
            outputIds = new int[dictionary.getMaxId() + 1];
            Arrays.fill(outputIds, -1);
            outputIdsOwner = owner;
        }
        return outputIds;
    }

    /** The chunk's dictionary, once a dictionary-encoded page has been read; null before that. */
    Dictionary dictionary() {
        return dictionary;
    }
}
