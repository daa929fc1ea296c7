package dev.compactor.merge;

import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Moves the pages of a flat column chunk into an output column chunk written without a dictionary, page for page,
 * without going through column readers and writers. A PLAIN page keeps its bytes as they are; a
 * dictionary-encoded page has its indexes replaced by the values they point to. Levels are copied unchanged.
 * Each page's statistics are computed from its values, so the output keeps statistics and page indexes.
 *
 * <p>This is the re-encode path for the columns {@link PlainColumns} writes without a dictionary: on small inputs
 * it is several times faster than copying value by value, because the only per-value work left is the statistics
 * comparison (and the dictionary lookup). Chunks it cannot take ({@link #accepts}) are copied value by value.
 */
final class PlainPageTranscoder {

    /** Encodings the transcoder understands: levels (RLE; BIT_PACKED only names absent levels) and values. */
    private static final Set<Encoding> UNDERSTOOD = EnumSet.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY,
            Encoding.RLE_DICTIONARY, Encoding.RLE, Encoding.BIT_PACKED);
    private static final Set<PrimitiveTypeName> TYPES = EnumSet.of(PrimitiveTypeName.INT32, PrimitiveTypeName.INT64,
            PrimitiveTypeName.FLOAT, PrimitiveTypeName.DOUBLE, PrimitiveTypeName.BINARY,
            PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);

    private final ColumnDescriptor column;
    private final PrimitiveTypeName type;
    private final int maxDefinition;
    private byte[] out = new byte[64 << 10];
    /** Bytes of the BINARY values of the page being transcoded, for its size statistics. */
    private long binaryBytes;

    PlainPageTranscoder(ColumnDescriptor column) {
        this.column = column;
        this.type = column.getPrimitiveType().getPrimitiveTypeName();
        this.maxDefinition = column.getMaxDefinitionLevel();
    }

    /**
     * True when the chunk of {@code source} can be transcoded into {@code output}: the same column, not repeated,
     * at most one definition level, a type whose PLAIN layout is simple, and only V1 pages in understood
     * encodings (known from the footer, so the choice is made before any page is written).
     */
    static boolean accepts(ColumnChunkMetaData chunk, ColumnDescriptor source, ColumnDescriptor output) {
        if (source == null || !source.equals(output) || !source.getPrimitiveType().equals(output.getPrimitiveType())
                || output.getMaxRepetitionLevel() != 0 || output.getMaxDefinitionLevel() > 1
                || source.getMaxDefinitionLevel() != output.getMaxDefinitionLevel()
                || !TYPES.contains(output.getPrimitiveType().getPrimitiveTypeName())) {
            return false;
        }
        EncodingStats stats = chunk.getEncodingStats();
        if (stats == null || stats.usesV2Pages() || !UNDERSTOOD.containsAll(chunk.getEncodings())) {
            return false;
        }
        // BIT_PACKED levels are only harmless where there are none
        return output.getMaxDefinitionLevel() == 0 || !chunk.getEncodings().contains(Encoding.BIT_PACKED);
    }

    /** Writes every page of {@code pages} to {@code writer} as a PLAIN page; returns the values written. */
    long transcode(PageReader pages, PageWriter writer) throws IOException {
        DictionaryPage dictionaryPage = pages.readDictionaryPage();
        Dictionary dictionary = null;
        long values = 0;
        for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
            if (!(page instanceof DataPageV1 v1)) {
                throw new ParquetDecodingException("a V2 page in " + column + ", whose footer lists only V1 pages");
            }
            Encoding encoding = v1.getValueEncoding();
            if (encoding.usesDictionary() && dictionary == null) {
                if (dictionaryPage == null) {
                    throw new ParquetDecodingException("a dictionary-encoded page in " + column + " without a dictionary");
                }
                dictionary = encoding.initDictionary(column, dictionaryPage);
            }
            transcodePage(v1, encoding.usesDictionary() ? dictionary : null, writer);
            values += v1.getValueCount();
        }
        return values;
    }

    private void transcodePage(DataPageV1 page, Dictionary dictionary, PageWriter writer) throws IOException {
        ByteBuffer bytes = onHeap(page.getBytes().toByteBuffer()).order(ByteOrder.LITTLE_ENDIAN);
        int start = bytes.position();
        int valueCount = page.getValueCount();
        Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
        binaryBytes = 0;
        int present = valueCount;
        int valuesAt = start;
        if (maxDefinition > 0) {
            if (page.getDlEncoding() != Encoding.RLE) {
                throw new ParquetDecodingException("definition levels of " + column + " in " + page.getDlEncoding());
            }
            int levelBytes = bytes.getInt(start);
            valuesAt = start + 4 + levelBytes;
            present = countDefined(bytes.duplicate().position(start + 4).limit(valuesAt), valueCount);
            stats.incrementNumNulls(valueCount - present);
        }
        BytesInput plain;
        if (dictionary == null) {
            if (page.getValueEncoding() != Encoding.PLAIN) {
                throw new ParquetDecodingException("values of " + column + " in " + page.getValueEncoding());
            }
            scanPlain(bytes, valuesAt, present, stats);
            plain = BytesInput.from(bytes.duplicate().position(start));
        } else {
            int levelBytes = valuesAt - start;
            ensureCapacity(levelBytes);
            bytes.duplicate().position(start).get(out, 0, levelBytes);
            int length = decodeDictionary(bytes.duplicate().position(valuesAt), dictionary, present, levelBytes, stats);
            plain = BytesInput.from(out, 0, length);
        }
        writer.writePage(plain, valueCount, valueCount, stats, sizeStatistics(valueCount, present),
                Encoding.BIT_PACKED, maxDefinition > 0 ? Encoding.RLE : Encoding.BIT_PACKED, Encoding.PLAIN);
    }

    /** What a column writer records for a page of a flat column: level histograms and BINARY bytes. */
    private SizeStatistics sizeStatistics(int valueCount, int present) {
        List<Long> definitions = maxDefinition == 0 ? List.of((long) valueCount)
                : List.of((long) (valueCount - present), (long) present);
        return new SizeStatistics(column.getPrimitiveType(), binaryBytes, List.of((long) valueCount), definitions);
    }

    private static int countDefined(ByteBuffer levels, int valueCount) throws IOException {
        RunLengthBitPackingHybridDecoder decoder =
                new RunLengthBitPackingHybridDecoder(1, ByteBufferInputStream.wrap(levels));
        int defined = 0;
        for (int i = 0; i < valueCount; i++) {
            defined += decoder.readInt();
        }
        return defined;
    }

    /** Updates the statistics with every value of a PLAIN values section; checks it holds exactly that many. */
    private void scanPlain(ByteBuffer b, int at, int count, Statistics<?> stats) {
        int end = b.limit();
        switch (type) {
            case INT32 -> {
                requireBytes(at, (long) count * 4, end);
                for (int i = 0; i < count; i++) {
                    stats.updateStats(b.getInt(at + 4 * i));
                }
            }
            case INT64 -> {
                requireBytes(at, (long) count * 8, end);
                for (int i = 0; i < count; i++) {
                    stats.updateStats(b.getLong(at + 8 * i));
                }
            }
            case FLOAT -> {
                requireBytes(at, (long) count * 4, end);
                for (int i = 0; i < count; i++) {
                    stats.updateStats(b.getFloat(at + 4 * i));
                }
            }
            case DOUBLE -> {
                requireBytes(at, (long) count * 8, end);
                for (int i = 0; i < count; i++) {
                    stats.updateStats(b.getDouble(at + 8 * i));
                }
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                int width = column.getPrimitiveType().getTypeLength();
                requireBytes(at, (long) count * width, end);
                byte[] array = b.array();
                int base = b.arrayOffset();
                for (int i = 0; i < count; i++) {
                    stats.updateStats(Binary.fromReusedByteArray(array, base + at + width * i, width));
                }
            }
            case BINARY -> {
                byte[] array = b.array();
                int base = b.arrayOffset();
                int p = at;
                for (int i = 0; i < count; i++) {
                    requireBytes(p, 4, end);
                    int length = b.getInt(p);
                    requireBytes(p + 4, length, end);
                    stats.updateStats(Binary.fromReusedByteArray(array, base + p + 4, length));
                    binaryBytes += length;
                    p += 4 + length;
                }
            }
            default -> throw new IllegalStateException("not transcodable: " + column);
        }
    }

    /** Writes the values the indexes point to after the levels already in {@code out}; returns the page length. */
    private int decodeDictionary(ByteBuffer values, Dictionary dictionary, int count, int at, Statistics<?> stats)
            throws IOException {
        if (count == 0) {
            return at;
        }
        int bitWidth = values.get() & 0xFF;
        if (bitWidth > 32) {
            throw new ParquetDecodingException("dictionary index width " + bitWidth + " in " + column);
        }
        RunLengthBitPackingHybridDecoder indexes =
                new RunLengthBitPackingHybridDecoder(bitWidth, ByteBufferInputStream.wrap(values));
        int p = at;
        for (int i = 0; i < count; i++) {
            int id = indexes.readInt();
            switch (type) {
                case INT32 -> {
                    int v = dictionary.decodeToInt(id);
                    stats.updateStats(v);
                    ensureCapacity(p + 4);
                    p = putInt(p, v);
                }
                case INT64 -> {
                    long v = dictionary.decodeToLong(id);
                    stats.updateStats(v);
                    ensureCapacity(p + 8);
                    p = putLong(p, v);
                }
                case FLOAT -> {
                    float v = dictionary.decodeToFloat(id);
                    stats.updateStats(v);
                    ensureCapacity(p + 4);
                    p = putInt(p, Float.floatToRawIntBits(v));
                }
                case DOUBLE -> {
                    double v = dictionary.decodeToDouble(id);
                    stats.updateStats(v);
                    ensureCapacity(p + 8);
                    p = putLong(p, Double.doubleToRawLongBits(v));
                }
                case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                    Binary v = dictionary.decodeToBinary(id);
                    int length = v.length();
                    boolean prefixed = type == PrimitiveTypeName.BINARY;
                    ensureCapacity(p + length + (prefixed ? 4 : 0));
                    if (prefixed) {
                        p = putInt(p, length);
                        binaryBytes += length;
                    }
                    v.toByteBuffer().get(out, p, length);
                    // the copy, marked reused: statistics then keep their own bytes, not the input's dictionary
                    stats.updateStats(Binary.fromReusedByteArray(out, p, length));
                    p += length;
                }
                default -> throw new IllegalStateException("not transcodable: " + column);
            }
        }
        return p;
    }

    private int putInt(int p, int v) {
        out[p] = (byte) v;
        out[p + 1] = (byte) (v >>> 8);
        out[p + 2] = (byte) (v >>> 16);
        out[p + 3] = (byte) (v >>> 24);
        return p + 4;
    }

    private int putLong(int p, long v) {
        putInt(p, (int) v);
        return putInt(p + 4, (int) (v >>> 32));
    }

    private void ensureCapacity(int bytes) {
        if (bytes > out.length) {
            out = Arrays.copyOf(out, Math.max(bytes, out.length * 2));
        }
    }

    private void requireBytes(long at, long length, int end) {
        if (length < 0 || at + length > end) {
            throw new ParquetDecodingException("a PLAIN page of " + column + " is shorter than its value count says");
        }
    }

    /** Binary values are compared as byte arrays, so a page read into direct memory is copied first. */
    private static ByteBuffer onHeap(ByteBuffer b) {
        if (b.hasArray()) {
            return b;
        }
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b.duplicate()).flip();
        return copy;
    }
}
