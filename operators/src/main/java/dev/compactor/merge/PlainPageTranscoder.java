package dev.compactor.merge;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

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

    private final ColumnDescriptor column;
    private final PrimitiveTypeName type;
    private final int maxDefinition;
    private byte[] out = new byte[64 << 10];

    PlainPageTranscoder(ColumnDescriptor column) {
        this.column = column;
        this.type = column.getPrimitiveType().getPrimitiveTypeName();
        this.maxDefinition = column.getMaxDefinitionLevel();
    }

    /**
     * True when the chunk of {@code source} can be transcoded into {@code output}: the same column, and pages
     * {@link FlatPage} reads (known from the footer, so the choice is made before any page is written).
     */
    static boolean accepts(ColumnChunkMetaData chunk, ColumnDescriptor source, ColumnDescriptor output) {
        return source != null && source.equals(output) && source.getPrimitiveType().equals(output.getPrimitiveType())
                && source.getMaxDefinitionLevel() == output.getMaxDefinitionLevel() && FlatPage.accepts(chunk, output);
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
            transcodePage(new FlatPage(v1, column, encoding.usesDictionary() ? dictionary : null), encoding, writer);
            values += v1.getValueCount();
        }
        return values;
    }

    private void transcodePage(FlatPage page, Encoding encoding, PageWriter writer) throws IOException {
        Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
        stats.incrementNumNulls(page.valueCount - page.present);
        long binaryBytes = 0;
        BytesInput plain;
        if (!encoding.usesDictionary()) {
            binaryBytes = scan(page, stats);
            plain = BytesInput.from(page.bytes.duplicate().position(page.start));
        } else {
            int levelBytes = page.valuesAt - page.start;
            ensureCapacity(levelBytes);
            page.bytes.duplicate().position(page.start).get(out, 0, levelBytes);
            int p = levelBytes;
            for (int v = 0; v < page.present; v++) {
                p = writePlain(page, v, p, stats);
                if (type == PrimitiveTypeName.BINARY) {
                    binaryBytes += page.binaryLength(v);
                }
            }
            plain = BytesInput.from(out, 0, p);
        }
        writer.writePage(plain, page.valueCount, page.valueCount, stats, sizeStatistics(page, binaryBytes),
                Encoding.BIT_PACKED, maxDefinition > 0 ? Encoding.RLE : Encoding.BIT_PACKED, Encoding.PLAIN);
    }

    /** What a column writer records for a page of a flat column: level histograms and BINARY bytes. */
    private SizeStatistics sizeStatistics(FlatPage page, long binaryBytes) {
        List<Long> definitions = maxDefinition == 0 ? List.of((long) page.valueCount)
                : List.of((long) (page.valueCount - page.present), (long) page.present);
        return new SizeStatistics(column.getPrimitiveType(), binaryBytes, List.of((long) page.valueCount), definitions);
    }

    /** Updates the statistics with every value of a PLAIN page; returns the bytes of its BINARY values. */
    private long scan(FlatPage page, Statistics<?> stats) {
        long binaryBytes = 0;
        for (int v = 0; v < page.present; v++) {
            switch (type) {
                case INT32 -> stats.updateStats(page.getInteger(v));
                case INT64 -> stats.updateStats(page.getLong(v));
                case FLOAT -> stats.updateStats(page.getFloat(v));
                case DOUBLE -> stats.updateStats(page.getDouble(v));
                case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                    Binary b = page.getBinary(v);
                    stats.updateStats(b);
                    binaryBytes += type == PrimitiveTypeName.BINARY ? b.length() : 0;
                }
                default -> throw new IllegalStateException("not transcodable: " + column);
            }
        }
        return binaryBytes;
    }

    /** Appends a dictionary-encoded page's value {@code v} in PLAIN form at {@code p}; returns the new end. */
    private int writePlain(FlatPage page, int v, int p, Statistics<?> stats) {
        switch (type) {
            case INT32 -> {
                int x = page.getInteger(v);
                stats.updateStats(x);
                ensureCapacity(p + 4);
                return putInt(p, x);
            }
            case INT64 -> {
                long x = page.getLong(v);
                stats.updateStats(x);
                ensureCapacity(p + 8);
                return putLong(p, x);
            }
            case FLOAT -> {
                float x = page.getFloat(v);
                stats.updateStats(x);
                ensureCapacity(p + 4);
                return putInt(p, Float.floatToRawIntBits(x));
            }
            case DOUBLE -> {
                double x = page.getDouble(v);
                stats.updateStats(x);
                ensureCapacity(p + 8);
                return putLong(p, Double.doubleToRawLongBits(x));
            }
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                Binary x = page.getBinary(v);
                int length = x.length();
                boolean prefixed = type == PrimitiveTypeName.BINARY;
                ensureCapacity(p + length + (prefixed ? 4 : 0));
                if (prefixed) {
                    p = putInt(p, length);
                }
                x.toByteBuffer().get(out, p, length);
                // the copy, marked reused: statistics then keep their own bytes, not the input's dictionary
                stats.updateStats(Binary.fromReusedByteArray(out, p, length));
                return p + length;
            }
            default -> throw new IllegalStateException("not transcodable: " + column);
        }
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
}
