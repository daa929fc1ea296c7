package dev.compactor.merge.decode;

import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

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
        if (FlatPage.DECODED.contains(v1.getValueEncoding())) {
            v1 = asPlain(v1, column);
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
     * A page of values in one of {@link FlatPage#DECODED}'s encodings as the same page with its values PLAIN: they
     * are read with parquet-java's values reader for the encoding, once, and written back PLAIN after the page's
     * levels (RLE, as every writer of these encodings writes them), so the page is then moved and read as a PLAIN
     * one is.
     */
    static DataPageV1 asPlain(DataPageV1 page, ColumnDescriptor column) throws IOException {
        byte[] bytes = page.getBytes().toByteArray();
        int valueCount = page.getValueCount();
        int valuesAt = 0;
        int present = valueCount;
        if (column.getMaxDefinitionLevel() > 0) {
            if (page.getDlEncoding() != Encoding.RLE) {
                throw new ParquetDecodingException("definition levels in " + page.getDlEncoding() + " before "
                        + page.getValueEncoding() + " values in a page of " + column);
            }
            int levelBytes = bytes.length < 4 ? -1 : ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (levelBytes < 0 || 4L + levelBytes > bytes.length) {
                throw new ParquetDecodingException("definition levels run past the page in a page of " + column);
            }
            valuesAt = 4 + levelBytes;
            int[] levels = new int[valueCount];
            RunLengthBitPackedInts.decode(bytes, 4, valuesAt, 1, levels, valueCount);
            present = 0;
            for (int level : levels) {
                present += level;
            }
        }
        ValuesReader reader = page.getValueEncoding().getValuesReader(column, ValuesType.VALUES);
        reader.initFromPage(present, ByteBufferInputStream.wrap(ByteBuffer.wrap(bytes, valuesAt, bytes.length - valuesAt)));
        PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
        int width = switch (type) {
            case INT32, FLOAT -> 4;
            case INT64, DOUBLE -> 8;
            default -> 0;
        };
        ByteBuffer out = ByteBuffer.allocate(valuesAt + (width > 0 ? width * present : bytes.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(bytes, 0, valuesAt);
        for (int v = 0; v < present; v++) {
            switch (type) {
                case INT32 -> out.putInt(reader.readInteger());
                case INT64 -> out.putLong(reader.readLong());
                case FLOAT -> out.putFloat(reader.readFloat());
                case DOUBLE -> out.putDouble(reader.readDouble());
                default -> {
                    Binary value = reader.readBytes();
                    if (type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
                            && value.length() != column.getPrimitiveType().getTypeLength()) {
                        throw new ParquetDecodingException("a value of " + value.length() + " bytes in a page of "
                                + column);
                    }
                    int need = (type == PrimitiveTypeName.BINARY ? 4 : 0) + value.length();
                    if (out.remaining() < need) {
                        out = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + need))
                                .order(ByteOrder.LITTLE_ENDIAN).put(out.flip());
                    }
                    if (type == PrimitiveTypeName.BINARY) {
                        out.putInt(value.length());
                    }
                    out.put(value.toByteBuffer());
                }
            }
        }
        return new DataPageV1(BytesInput.from(out.array(), 0, out.position()), valueCount, out.position(),
                page.getStatistics(), page.getRlEncoding(), page.getDlEncoding(), Encoding.PLAIN);
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
