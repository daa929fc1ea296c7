package dev.compactor.merge.decode;

import dev.compactor.merge.transcode.PlainPageTranscoder;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * One V1 data page of a flat column (a V2 page arrives as the same values in a V1 page: {@link FlatPages#asV1}) (not repeated, at most one definition level), decoded just enough to reach
 * every value directly: which rows are null, and where each value's bytes are (PLAIN) or which dictionary entry
 * it is (dictionary-encoded). The page's own bytes are kept, not copied into values; a value is read from them
 * when asked for. This is what lets the merge move pages ({@link PlainPageTranscoder}) and read values
 * ({@link PageColumnReader}) without parquet-java's general column reader, which pays a stream read per value.
 */
public final class FlatPage {

    /**
     * Encodings understood: levels (RLE, and the deprecated BIT_PACKED, which parquet-java lists for the absent
     * repetition levels of every flat column) and values.
     */
    private static final Set<Encoding> UNDERSTOOD = EnumSet.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY,
            Encoding.RLE_DICTIONARY, Encoding.RLE, Encoding.BIT_PACKED);
    /**
     * Encodings of values that {@link FlatPages} reads once with parquet-java's values readers and holds as PLAIN
     * ({@link FlatPages#asPlain}): the DELTA encodings and BYTE_STREAM_SPLIT, as DuckDB's and arrow-rs's V2 pages
     * and hyparquet-writer's use them.
     */
    static final Set<Encoding> DECODED = EnumSet.of(Encoding.DELTA_BINARY_PACKED, Encoding.DELTA_LENGTH_BYTE_ARRAY,
            Encoding.DELTA_BYTE_ARRAY, Encoding.BYTE_STREAM_SPLIT);
    private static final Set<PrimitiveTypeName> TYPES = EnumSet.of(PrimitiveTypeName.INT32, PrimitiveTypeName.INT64,
            PrimitiveTypeName.FLOAT, PrimitiveTypeName.DOUBLE, PrimitiveTypeName.BINARY,
            PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);

    public final int valueCount;
    public final int present;
    public final ByteBuffer bytes;
    /** Where the page's bytes start, and where its values start (after the levels). */
    final int start;
    public final int valuesAt;

    private final ColumnDescriptor column;
    private final PrimitiveTypeName type;
    private final boolean[] defined;
    private final int[] offsets;
    private final int[] ids;
    private final Dictionary dictionary;
    private final int width;

    /**
     * True when every page of the chunk can be read as a FlatPage, known from the footer before any page is:
     * a flat column of a supported type and only understood encodings (or {@link #DECODED} ones), in V1 or V2 pages. A chunk's encodings do
     * not say which levels BIT_PACKED was used for, so definition levels are read in either encoding. Without
     * encoding statistics (DuckDB writes none) the chunk's list of encodings decides alone.
     */
    public static boolean accepts(ColumnChunkMetaData chunk, ColumnDescriptor column) {
        if (chunk == null || column.getMaxRepetitionLevel() != 0 || column.getMaxDefinitionLevel() > 1
                || !TYPES.contains(column.getPrimitiveType().getPrimitiveTypeName())) {
            return false;
        }
        // a footer without statistics and without encodings says nothing: parquet-java's readers take it
        return (chunk.getEncodingStats() != null || !chunk.getEncodings().isEmpty())
                && chunk.getEncodings().stream().allMatch(e -> UNDERSTOOD.contains(e) || DECODED.contains(e));
    }

    /** @param dictionary the chunk's dictionary when the page is dictionary-encoded, else null */
    FlatPage(DataPageV1 page, ColumnDescriptor column, Dictionary dictionary) throws IOException {
        this.column = column;
        this.type = column.getPrimitiveType().getPrimitiveTypeName();
        this.dictionary = dictionary;
        this.width = switch (type) {
            case INT32, FLOAT -> 4;
            case INT64, DOUBLE -> 8;
            case FIXED_LEN_BYTE_ARRAY -> column.getPrimitiveType().getTypeLength();
            default -> 0;
        };
        this.bytes = onHeap(page.getBytes().toByteBuffer()).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.start = bytes.position();
        this.valueCount = page.getValueCount();
        int at = start;
        if (column.getMaxDefinitionLevel() > 0) {
            int[] levels = new int[valueCount];
            if (page.getDlEncoding() == Encoding.RLE) {
                int levelBytes = bytes.getInt(start);
                at = start + 4 + levelBytes;
                check(levelBytes >= 0 && at <= bytes.limit(), "definition levels run past the page");
                decodeRuns(start + 4, at, 1, levels, valueCount);
            } else if (page.getDlEncoding() == Encoding.BIT_PACKED) {
                at = start + (valueCount + 7) / 8;
                check(at <= bytes.limit(), "definition levels run past the page");
                readBitPacked(start, levels);
            } else {
                throw damaged("definition levels in " + page.getDlEncoding());
            }
            defined = new boolean[valueCount];
            int count = 0;
            for (int i = 0; i < valueCount; i++) {
                defined[i] = levels[i] == 1;
                count += levels[i];
            }
            present = count;
        } else {
            defined = null;
            present = valueCount;
        }
        this.valuesAt = at;
        if (dictionary != null) {
            ids = readIds();
            offsets = null;
        } else if (page.getValueEncoding() != Encoding.PLAIN) {
            throw damaged("values in " + page.getValueEncoding());
        } else {
            ids = null;
            offsets = type == PrimitiveTypeName.BINARY ? binaryOffsets() : null;
            if (width > 0) {
                check((long) present * width <= bytes.limit() - valuesAt, "a PLAIN page is shorter than its value count says");
            }
        }
    }

    /** False when the row at {@code level} is null. */
    public boolean isDefined(int level) {
        return defined == null || defined[level];
    }

    public int getInteger(int value) {
        return dictionary != null ? dictionary.decodeToInt(ids[value]) : bytes.getInt(valuesAt + 4 * value);
    }

    public long getLong(int value) {
        return dictionary != null ? dictionary.decodeToLong(ids[value]) : bytes.getLong(valuesAt + 8 * value);
    }

    public float getFloat(int value) {
        return dictionary != null ? dictionary.decodeToFloat(ids[value]) : bytes.getFloat(valuesAt + 4 * value);
    }

    public double getDouble(int value) {
        return dictionary != null ? dictionary.decodeToDouble(ids[value]) : bytes.getDouble(valuesAt + 8 * value);
    }

    /**
     * A PLAIN value is returned marked reused (its bytes belong to the page), so statistics and dictionaries that
     * keep it take a copy; a dictionary value is the dictionary's own.
     */
    public Binary getBinary(int value) {
        if (dictionary != null) {
            return dictionary.decodeToBinary(ids[value]);
        }
        int at = type == PrimitiveTypeName.BINARY ? offsets[value] : valuesAt + width * value;
        int length = type == PrimitiveTypeName.BINARY ? bytes.getInt(at - 4) : width;
        return Binary.fromReusedByteArray(bytes.array(), bytes.arrayOffset() + at, length);
    }

    public boolean dictionaryEncoded() {
        return dictionary != null;
    }

    /** Bytes of a PLAIN value of a fixed width: 4 (INT32, FLOAT), 8 (INT64, DOUBLE) or the FIXED_LEN_BYTE_ARRAY's. */
    int width() {
        return width;
    }

    /** Where the PLAIN values of a page that is not dictionary-encoded end: trailing bytes are not values. */
    public int plainValuesEnd() {
        if (type != PrimitiveTypeName.BINARY) {
            return valuesAt + width * present;
        }
        return present == 0 ? valuesAt : offsets[present - 1] + bytes.getInt(offsets[present - 1] - 4);
    }

    /** The dictionary index of value {@code value} of a dictionary-encoded page. */
    public int inputId(int value) {
        return ids[value];
    }

    /**
     * The length of a BINARY value (its PLAIN bytes, without the length prefix), or of a FIXED_LEN_BYTE_ARRAY
     * value.
     */
    public int binaryLength(int value) {
        if (dictionary != null) {
            return dictionary.decodeToBinary(ids[value]).length();
        }
        return type == PrimitiveTypeName.BINARY ? bytes.getInt(offsets[value] - 4) : width;
    }

    /** Where value {@code value} of a PLAIN page of bytes starts in the page's array. */
    public int valueStart(int value) {
        return bytes.arrayOffset() + (type == PrimitiveTypeName.BINARY ? offsets[value] : valuesAt + width * value);
    }

    private int[] readIds() {
        int[] out = new int[present];
        if (present == 0) {
            return out;
        }
        check(valuesAt < bytes.limit(), "no dictionary indexes after the levels");
        int bitWidth = bytes.get(valuesAt) & 0xFF;
        check(bitWidth <= 32, "dictionary index width " + bitWidth);
        decodeRuns(valuesAt + 1, bytes.limit(), bitWidth, out, present);
        int max = dictionary.getMaxId();
        for (int i = 0; i < present; i++) {
            int id = out[i];
            // the message only when it fails: it is built from the id, and this runs for every value
            if (id < 0 || id > max) {
                throw damaged("dictionary index " + id + " beyond the dictionary's " + (max + 1));
            }
        }
        return out;
    }

    /** RLE / bit-packed runs between two positions of the page's bytes. */
    private void decodeRuns(int from, int to, int bitWidth, int[] out, int count) {
        try {
            RunLengthBitPackedInts.decode(bytes.array(), bytes.arrayOffset() + from, bytes.arrayOffset() + to,
                    bitWidth, out, count);
        } catch (ParquetDecodingException e) {
            throw damaged(e.getMessage());
        }
    }

    /**
     * The deprecated BIT_PACKED levels of width 1 (old writers): no length prefix, one bit per level, the first
     * level in the most significant bit.
     */
    private void readBitPacked(int from, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (bytes.get(from + (i >>> 3)) >>> (7 - (i & 7))) & 1;
        }
    }

    private int[] binaryOffsets() {
        int[] out = new int[present];
        int p = valuesAt;
        int end = bytes.limit();
        for (int i = 0; i < present; i++) {
            check(p + 4 <= end, "a PLAIN page is shorter than its value count says");
            int length = bytes.getInt(p);
            check(length >= 0 && (long) p + 4 + length <= end, "a PLAIN page is shorter than its value count says");
            out[i] = p + 4;
            p += 4 + length;
        }
        return out;
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            throw damaged(problem);
        }
    }

    private ParquetDecodingException damaged(String problem) {
        return new ParquetDecodingException(problem + " in a page of " + column);
    }

    /** Values are read from the page's array, so a page read into direct memory is copied first. */
    private static ByteBuffer onHeap(ByteBuffer b) {
        if (b.hasArray()) {
            return b;
        }
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b.duplicate()).flip();
        return copy;
    }
}
