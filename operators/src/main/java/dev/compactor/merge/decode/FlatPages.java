package dev.compactor.merge.decode;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.ParquetDecodingException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        DataPageV1 v1 = page instanceof DataPageV2 v2 ? asV1(v2, column) : (DataPageV1) page;
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
     * A V2 data page of a flat column as the V1 page with the same values: its definition levels (RLE, stored
     * apart and without a length in V2) prefixed by their length, then its values, which the page reader has
     * decompressed. A flat column has no repetition levels.
     */
    public static DataPageV1 asV1(DataPageV2 page, ColumnDescriptor column) throws IOException {
        if (page.isCompressed()) {
            throw new ParquetDecodingException("a compressed V2 page of " + column + " reached the values' reader");
        }
        if (page.getRepetitionLevels().size() != 0) {
            throw new ParquetDecodingException("repetition levels in a V2 page of the flat column " + column);
        }
        byte[] data = page.getData().toByteArray();
        byte[] bytes;
        if (column.getMaxDefinitionLevel() == 0) {
            bytes = data;
        } else {
            byte[] levels = page.getDefinitionLevels().toByteArray();
            bytes = new byte[4 + levels.length + data.length];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(levels.length);
            System.arraycopy(levels, 0, bytes, 4, levels.length);
            System.arraycopy(data, 0, bytes, 4 + levels.length, data.length);
        }
        return new DataPageV1(BytesInput.from(bytes), page.getValueCount(), bytes.length, page.getStatistics(),
                Encoding.RLE, Encoding.RLE, page.getDataEncoding());
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
