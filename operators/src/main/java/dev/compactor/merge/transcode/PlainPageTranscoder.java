package dev.compactor.merge.transcode;

import dev.compactor.merge.decode.DecodedColumn;
import dev.compactor.merge.decode.FlatPage;
import dev.compactor.merge.decode.FlatPages;
import dev.compactor.merge.plan.PlainColumns;
import dev.compactor.merge.write.RowBatch;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Moves the pages of a flat column chunk into an output column chunk written without a dictionary, page for page,
 * without going through column readers and writers. A PLAIN page keeps its bytes as they are; a
 * dictionary-encoded page has its indexes replaced by the values they point to. Levels are copied unchanged.
 * Each page's statistics are computed from its values, so the output keeps statistics and page indexes.
 *
 * <p>This is the re-encode path for the columns {@link PlainColumns} writes without a dictionary: on small inputs
 * it is several times faster than copying value by value, because the only per-value work left is the statistics
 * comparison (and the dictionary lookup). Chunks it cannot take ({@link #accepts}) are copied value by value.
 *
 * <p>It also takes the rows of a sorted merge, a batch at a time ({@link #writeRows}): a value is appended to the
 * same pending page, without parquet-java's value writers and their stream per value. A page is written once it
 * is full or at {@link #flush}.
 */
public final class PlainPageTranscoder {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** The orders of INT64 and INT32 columns without an unsigned logical type. */
    private static final PrimitiveComparator<?> SIGNED_INT64 =
            Types.required(PrimitiveTypeName.INT64).named("signed").comparator();
    private static final PrimitiveComparator<?> SIGNED_INT32 =
            Types.required(PrimitiveTypeName.INT32).named("signed").comparator();

    private final ColumnDescriptor column;
    private final PrimitiveTypeName type;
    private final int targetPageBytes;
    private final PageBuffer pending;
    private byte[] out = new byte[64 << 10];
    private int outLength;
    /** Byte values ordered as unsigned bytes (strings): their page statistics can be kept as positions in out. */
    private final boolean unsignedBytes;
    private final PrimitiveComparator<?> comparator;
    /** INT64 or INT32 without an unsigned logical type: values compare as Java's, without a comparator call. */
    private final boolean signedIntegers;
    /**
     * Where the least and greatest value written value by value into the pending page sit in {@code out}
     * (-1: none yet). They reach the page's statistics when it is written, so a row costs a comparison in place,
     * not a {@link Binary} and a comparator call.
     */
    private int leastAt = -1;
    private int leastLength;
    private int greatestAt;
    private int greatestLength;

    /** @param targetPageBytes values are gathered from input pages until an output page holds this many bytes */
    public PlainPageTranscoder(ColumnDescriptor column, int targetPageBytes) {
        this.column = column;
        this.type = column.getPrimitiveType().getPrimitiveTypeName();
        this.targetPageBytes = targetPageBytes;
        this.pending = new PageBuffer(column);
        this.comparator = column.getPrimitiveType().comparator();
        this.unsignedBytes = (type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
                && (Object) comparator == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
        this.signedIntegers = comparator == SIGNED_INT64 || comparator == SIGNED_INT32;
    }

    /**
     * True when the chunk of {@code source} can be transcoded into {@code output}: the same column, and pages
     * {@link FlatPage} reads (known from the footer, so the choice is made before any page is written).
     */
    public static boolean accepts(ColumnChunkMetaData chunk, ColumnDescriptor source, ColumnDescriptor output) {
        return source != null && source.equals(output) && source.getPrimitiveType().equals(output.getPrimitiveType())
                && source.getMaxDefinitionLevel() == output.getMaxDefinitionLevel() && FlatPage.accepts(chunk, output);
    }

    /**
     * Takes every page of {@code pages} as PLAIN values; full output pages go to {@code writer}, the last one
     * stays pending until {@link #flush}.
     */
    public void transcode(PageReader pages, PageWriter writer) throws IOException {
        FlatPages chunk = new FlatPages(pages, column);
        for (FlatPage page = chunk.next(); page != null; page = chunk.next()) {
            add(page, writer);
        }
    }

    /** Takes one input page's values, PLAIN; writes the output page once it is full. */
    void add(FlatPage page, PageWriter writer) throws IOException {
        Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
        stats.incrementNumNulls(page.valueCount - page.present);
        long binaryBytes = 0;
        if (page.dictionaryEncoded()) {
            for (int v = 0; v < page.present; v++) {
                binaryBytes += append(page, v, stats);
            }
        } else {
            // already PLAIN: the values are copied as one block, and only read for the statistics
            int length = page.plainValuesEnd() - page.valuesAt;
            ensureCapacity(outLength + length);
            page.bytes.duplicate().position(page.valuesAt).get(out, outLength, length);
            outLength += length;
            binaryBytes = scan(page, stats);
        }
        pending.add(page, stats, binaryBytes);
        if (outLength >= targetPageBytes) {
            flush(writer);
        }
    }

    /** Writes the pending output page, if it has values; before any other page of the column is written. */
    public void flush(PageWriter writer) throws IOException {
        if (!pending.isEmpty()) {
            if (leastAt >= 0) {
                // marked reused: the statistics copy them, as out is overwritten by the next page
                pending.statistics().updateStats(Binary.fromReusedByteArray(out, leastAt, leastLength));
                pending.statistics().updateStats(Binary.fromReusedByteArray(out, greatestAt, greatestLength));
                leastAt = -1;
            }
            // not copied: a page writer compresses and copies a page before writePage returns
            pending.writeTo(writer, BytesInput.from(out, 0, outLength), Encoding.PLAIN);
            outLength = 0;
        }
    }

    /** Bytes of values waiting in the pending page. */
    public long pendingBytes() {
        return outLength;
    }

    /** Writes the pending page if it is full, after rows added by {@link #writeRow}. */
    void flushWhenFull(PageWriter writer) throws IOException {
        if (outLength >= targetPageBytes) {
            flush(writer);
        }
    }

    private void writeInt(int value) {
        pending.addRow(true);
        pending.statistics().updateStats(value);
        putInt(value);
    }

    private void writeLong(long value) {
        pending.addRow(true);
        pending.statistics().updateStats(value);
        putLong(value);
    }

    private void writeFloat(float value) {
        pending.addRow(true);
        pending.statistics().updateStats(value);
        putInt(Float.floatToRawIntBits(value));
    }

    private void writeDouble(double value) {
        pending.addRow(true);
        pending.statistics().updateStats(value);
        putLong(Double.doubleToRawLongBits(value));
    }

    /**
     * Appends output column {@code c} of a batch's rows, writing each page once it is full: one loop over the
     * decoded arrays, with no call per value outside this class.
     */
    public void writeRows(RowBatch batch, int c, PageWriter writer) throws IOException {
        if (type != PrimitiveTypeName.BINARY && type != PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
            writeNumberRows(batch, c, writer);
            return;
        }
        DecodedColumn[] columns = batch.columns(c);
        int[] groupOf = batch.groupOf;
        int[] rows = batch.rows;
        for (int i = 0; i < batch.size(); i++) {
            writeRow(columns[groupOf[i]], rows[i]);
            flushWhenFull(writer);
        }
    }

    /**
     * {@link #writeRows} for numbers, most of a sorted merge's gather: each value is stored in one little-endian
     * write, and the least and greatest of a run of rows are kept in locals and handed to the page's statistics
     * once per run (by the column's own order, so the statistics are those of value-by-value updates), rather than
     * a statistics call and a byte store per byte of every value. A run ends where the page becomes full, so pages
     * end at the same rows as when written one row at a time.
     */
    private void writeNumberRows(RowBatch batch, int c, PageWriter writer) throws IOException {
        if (!batch.mayHaveNulls(c)) {
            writeDefinedNumberRows(batch, c, writer);
            return;
        }
        DecodedColumn[] columns = batch.columns(c);
        int[] groupOf = batch.groupOf;
        int[] rows = batch.rows;
        int size = batch.size();
        int width = numberWidth();
        boolean wide = width == 8;
        for (int i = 0; i < size; ) {
            int end = runEnd(i, size);
            long least = 0;
            long greatest = 0;
            boolean any = false;
            int nulls = 0;
            for (; i < end; i++) {
                DecodedColumn column = columns[groupOf[i]];
                int row = rows[i];
                if (column.isNull(row)) {
                    pending.addRow(false);
                    nulls++;
                    continue;
                }
                long bits = column.longs[row];
                if (wide) {
                    LONG_LE.set(out, outLength, bits);
                } else {
                    INT_LE.set(out, outLength, (int) bits);
                }
                outLength += width;
                pending.addRow(true);
                if (!any) {
                    least = bits;
                    greatest = bits;
                    any = true;
                } else if (less(bits, least)) {
                    least = bits;
                } else if (less(greatest, bits)) {
                    greatest = bits;
                }
            }
            Statistics<?> stats = pending.statistics();
            stats.incrementNumNulls(nulls);
            if (any) {
                updateStats(stats, least);
                updateStats(stats, greatest);
            }
            flushWhenFull(writer);
        }
    }

    /**
     * {@link #writeNumberRows} for a batch without nulls: each value is read through the batch's table of the
     * column's arrays, with no null check.
     */
    private void writeDefinedNumberRows(RowBatch batch, int c, PageWriter writer) throws IOException {
        long[][] longs = batch.longs(c);
        int[] groupOf = batch.groupOf;
        int[] rows = batch.rows;
        int size = batch.size();
        int width = numberWidth();
        boolean wide = width == 8;
        for (int i = 0; i < size; ) {
            int end = runEnd(i, size);
            long least = longs[groupOf[i]][rows[i]];
            long greatest = least;
            int at = outLength;
            for (; i < end; i++) {
                long bits = longs[groupOf[i]][rows[i]];
                if (wide) {
                    LONG_LE.set(out, at, bits);
                } else {
                    INT_LE.set(out, at, (int) bits);
                }
                at += width;
                if (less(bits, least)) {
                    least = bits;
                } else if (less(greatest, bits)) {
                    greatest = bits;
                }
            }
            pending.addDefinedRows((at - outLength) / width);
            outLength = at;
            Statistics<?> stats = pending.statistics();
            updateStats(stats, least);
            updateStats(stats, greatest);
            flushWhenFull(writer);
        }
    }

    /** Bytes of one PLAIN number of this column. */
    private int numberWidth() {
        return type == PrimitiveTypeName.INT64 || type == PrimitiveTypeName.DOUBLE ? 8 : 4;
    }

    /**
     * Where a run of a batch's numbers from row {@code i} ends: where the pending page becomes full, or at the
     * batch's end (at least one row); room for the run is made in the page.
     */
    private int runEnd(int i, int size) {
        int width = numberWidth();
        int end = Math.min(size, i + Math.max(1, (targetPageBytes - outLength + width - 1) / width));
        ensureCapacity(outLength + width * (end - i));
        return end;
    }

    /** True when the number with bits {@code a} (as {@link DecodedColumn#longs} holds it) comes before {@code b}. */
    private boolean less(long a, long b) {
        return switch (type) {
            case INT64 -> signedIntegers ? a < b : comparator.compare(a, b) < 0;
            case INT32 -> signedIntegers ? (int) a < (int) b : comparator.compare((int) a, (int) b) < 0;
            case DOUBLE -> comparator.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b)) < 0;
            default -> comparator.compare(Float.intBitsToFloat((int) a), Float.intBitsToFloat((int) b)) < 0;
        };
    }

    private void updateStats(Statistics<?> stats, long bits) {
        switch (type) {
            case INT64 -> stats.updateStats(bits);
            case INT32 -> stats.updateStats((int) bits);
            case DOUBLE -> stats.updateStats(Double.longBitsToDouble(bits));
            default -> stats.updateStats(Float.intBitsToFloat((int) bits));
        }
    }

    /** Appends one row of a decoded column to the pending page, which the caller writes once it is full. */
    void writeRow(DecodedColumn column, int row) {
        if (column.isNull(row)) {
            writeNull();
            return;
        }
        switch (type) {
            case INT64 -> writeLong(column.longs[row]);
            case INT32 -> writeInt((int) column.longs[row]);
            case DOUBLE -> writeDouble(Double.longBitsToDouble(column.longs[row]));
            case FLOAT -> writeFloat(Float.intBitsToFloat((int) column.longs[row]));
            default -> writeSlice(column.data, column.starts[row], column.lengths[row]);
        }
    }

    private void writeSlice(byte[] bytes, int start, int length) {
        pending.addRow(true);
        ensureCapacity(outLength + 4 + length);
        if (type == PrimitiveTypeName.BINARY) {
            INT_LE.set(out, outLength, length);
            outLength += 4;
        }
        int at = outLength;
        System.arraycopy(bytes, start, out, at, length);
        outLength += length;
        if (!unsignedBytes) {
            // the copy, marked reused: statistics then keep their own bytes
            pending.statistics().updateStats(Binary.fromReusedByteArray(out, at, length));
            pending.addBinaryBytes(type == PrimitiveTypeName.BINARY ? length : 0);
            return;
        }
        countBytes(at);
    }

    /** Counts a byte value just appended at {@code at}, ordered as unsigned bytes, in the pending page. */
    private void countBytes(int at) {
        int length = outLength - at;
        pending.addBinaryBytes(type == PrimitiveTypeName.BINARY ? length : 0);
        // a first byte above the least's (below the greatest's) decides without comparing the rest
        int first = firstOf(at, length);
        if (leastAt < 0) {
            leastAt = at;
            leastLength = length;
            greatestAt = at;
            greatestLength = length;
        } else if (first <= firstOf(leastAt, leastLength)
                && Arrays.compareUnsigned(out, at, outLength, out, leastAt, leastAt + leastLength) < 0) {
            leastAt = at;
            leastLength = length;
        } else if (first >= firstOf(greatestAt, greatestLength)
                && Arrays.compareUnsigned(out, at, outLength, out, greatestAt, greatestAt + greatestLength) > 0) {
            greatestAt = at;
            greatestLength = length;
        }
    }

    /** The first byte of a value in out, unsigned; -1 for an empty value, which comes before every other. */
    private int firstOf(int at, int length) {
        return length == 0 ? -1 : out[at] & 0xFF;
    }

    private void writeNull() {
        pending.addRow(false);
        pending.statistics().incrementNumNulls();
    }

    /** Counts every value of a PLAIN page in the statistics; returns the bytes of its BINARY values. */
    private long scan(FlatPage page, Statistics<?> stats) {
        if ((type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
                && stats.comparator() == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR) {
            return scanBytes(page, stats);
        }
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

    /**
     * The statistics of a PLAIN page of byte values ordered as unsigned bytes (strings): the least and greatest
     * value are found by comparing the page's bytes in place, and only those two are handed to the statistics,
     * instead of a {@link Binary} and a comparator call per value.
     */
    private long scanBytes(FlatPage page, Statistics<?> stats) {
        if (page.present == 0) {
            return 0;
        }
        byte[] array = page.bytes.array();
        int least = 0;
        int greatest = 0;
        long binaryBytes = page.binaryLength(0);
        for (int v = 1; v < page.present; v++) {
            int start = page.valueStart(v);
            int end = start + page.binaryLength(v);
            int leastStart = page.valueStart(least);
            if (Arrays.compareUnsigned(array, start, end, array, leastStart,
                    leastStart + page.binaryLength(least)) < 0) {
                least = v;
            }
            int greatestStart = page.valueStart(greatest);
            if (Arrays.compareUnsigned(array, start, end, array, greatestStart,
                    greatestStart + page.binaryLength(greatest)) > 0) {
                greatest = v;
            }
            binaryBytes += end - start;
        }
        stats.updateStats(page.getBinary(least));
        stats.updateStats(page.getBinary(greatest));
        return type == PrimitiveTypeName.BINARY ? binaryBytes : 0;
    }

    /** Appends value {@code v} of a page in PLAIN form and counts it in the statistics; returns its BINARY bytes. */
    private long append(FlatPage page, int v, Statistics<?> stats) {
        switch (type) {
            case INT32 -> {
                int x = page.getInteger(v);
                stats.updateStats(x);
                putInt(x);
            }
            case INT64 -> {
                long x = page.getLong(v);
                stats.updateStats(x);
                putLong(x);
            }
            case FLOAT -> {
                float x = page.getFloat(v);
                stats.updateStats(x);
                putInt(Float.floatToRawIntBits(x));
            }
            case DOUBLE -> {
                double x = page.getDouble(v);
                stats.updateStats(x);
                putLong(Double.doubleToRawLongBits(x));
            }
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                return putBytes(page.getBinary(v), stats);
            }
            default -> throw new IllegalStateException("not transcodable: " + column);
        }
        return 0;
    }

    /**
     * Appends a BINARY value with its length prefix, or a FIXED_LEN_BYTE_ARRAY value, and counts the copy in the
     * statistics; returns its BINARY bytes (0 for fixed-length values).
     */
    private long putBytes(Binary value, Statistics<?> stats) {
        int at = putValue(value);
        // the copy, marked reused: statistics then keep their own bytes, not the input's page or dictionary
        stats.updateStats(Binary.fromReusedByteArray(out, at, outLength - at));
        return type == PrimitiveTypeName.BINARY ? outLength - at : 0;
    }

    /** Appends a byte value, after its length for a BINARY column; returns where its bytes start in out. */
    private int putValue(Binary value) {
        int length = value.length();
        if (type == PrimitiveTypeName.BINARY) {
            putInt(length);
        }
        int at = outLength;
        ensureCapacity(at + length);
        value.toByteBuffer().get(out, at, length);
        outLength += length;
        return at;
    }

    private void putInt(int v) {
        ensureCapacity(outLength + 4);
        out[outLength] = (byte) v;
        out[outLength + 1] = (byte) (v >>> 8);
        out[outLength + 2] = (byte) (v >>> 16);
        out[outLength + 3] = (byte) (v >>> 24);
        outLength += 4;
    }

    private void putLong(long v) {
        putInt((int) v);
        putInt((int) (v >>> 32));
    }

    private void ensureCapacity(int bytes) {
        if (bytes > out.length) {
            out = Arrays.copyOf(out, Math.max(bytes, out.length * 2));
        }
    }
}
