package dev.compactor.merge.transcode;

import dev.compactor.merge.decode.DecodedColumn;
import dev.compactor.merge.decode.FlatPage;
import dev.compactor.merge.decode.FlatPages;
import dev.compactor.merge.plan.IntegerRange;
import dev.compactor.merge.write.RowBatch;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds one dictionary-encoded output column chunk from the pages of many inputs, page for page, without column
 * writers: each input dictionary entry is looked up in the output's dictionary once, and a page's values become
 * the output ids of their entries, re-packed. Levels are copied unchanged; statistics come from the entries a
 * page uses. For the low-cardinality columns of many small files (a writer name, a code, a sequence number) this
 * replaces a hash lookup, a statistics update and a row bookkeeping step per value with an array lookup.
 *
 * <p>When the output dictionary outgrows its limit, the rest of the chunk's pages are written PLAIN (a column
 * chunk may mix both, as parquet-cpp writes them). One instance per output column chunk.
 *
 * <p>It also takes the rows of a sorted merge, a batch at a time ({@link #writeRows}): a value is looked up in
 * the same dictionary and its id appended to the pending page.
 */
public final class DictionaryPageTranscoder {

    /** Rows written through {@link #writeRows} between checks of the page's and the dictionary's size. */
    private static final int ROWS_PER_LIMIT_CHECK = 32;

    private final ColumnDescriptor column;
    private final PrimitiveTypeName type;
    private final long maxDictionaryBytes;
    private final int targetPageIds;
    private final PlainPageTranscoder overflow;
    private final PageBuffer pending;
    private int[] pendingIds = new int[1024];
    private int pendingCount;
    private int pendingMaxId;
    /** Output ids already counted in the pending page's statistics, for values written one at a time. */
    private boolean[] inPageStats = new boolean[1024];
    /** Output id of each value: numbers by their raw bits, bytes by a copy of their own. */
    private final LongIdMap numberIds = new LongIdMap();
    /**
     * For an integer column whose values lie in a small range: the output id of each value by its offset from
     * {@link #rangeMin}, -1 until seen. A sorted merge takes a sequence number's rows from a different file each
     * row, so the per-input cache of entries never hits and every row was a hash lookup; this is one array load.
     */
    private final int[] idByOffset;
    private final long rangeMin;
    private final Map<Binary, Integer> binaryIds = new HashMap<>();
    private final ByteArrayOutputStream entries = new ByteArrayOutputStream();
    private boolean plain;

    /**
     * @param maxDictionaryBytes once the dictionary page is this large, later pages are written PLAIN
     * @param targetPageBytes    ids are gathered from input pages until an output page holds about this much
     * @param smallRange         for an INT32 or INT64 column, the range its values lie in by the inputs' statistics,
     *                           or null; a value outside it (statistics can be wrong) is looked up by hash
     */
    public DictionaryPageTranscoder(ColumnDescriptor column, long maxDictionaryBytes, int targetPageBytes,
                             IntegerRange smallRange) {
        this.column = column;
        this.type = column.getPrimitiveType().getPrimitiveTypeName();
        boolean integers = type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.INT64;
        if (integers && smallRange != null) {
            this.idByOffset = new int[Math.toIntExact(smallRange.max() - smallRange.min() + 1)];
            this.rangeMin = smallRange.min();
            Arrays.fill(idByOffset, -1);
        } else {
            this.idByOffset = null;
            this.rangeMin = 0;
        }
        this.maxDictionaryBytes = maxDictionaryBytes;
        // ids of up to 32 bits each: bound the page by count, the bit width is only known when it is written
        this.targetPageIds = Math.max(1024, targetPageBytes / 4);
        this.overflow = new PlainPageTranscoder(column, targetPageBytes);
        this.pending = new PageBuffer(column);
    }

    /** Writes every page of {@code pages} to {@code writer}, dictionary-encoded while the dictionary fits. */
    public void transcode(PageReader pages, PageWriter writer) throws IOException {
        FlatPages chunk = new FlatPages(pages, column);
        for (FlatPage page = chunk.next(); page != null; page = chunk.next()) {
            if (!plain && entries.size() > maxDictionaryBytes) {
                plain = true;
                flushIds(writer);
            }
            if (plain) {
                overflow.add(page, writer);
            } else {
                addIds(page, chunk, writer);
            }
        }
    }

    /** True once a page of dictionary ids was written, so the chunk must have a dictionary page. */
    private boolean wroteIdPages;

    /** Bytes waiting: the dictionary and the pending page. */
    public long pendingBytes() {
        return entries.size() + 4L * pendingCount + overflow.pendingBytes();
    }

    /** Writes the pending page and then the dictionary page, if any page used it; call once, at the chunk's end. */
    public void finish(PageWriter writer) throws IOException {
        flushIds(writer);
        overflow.flush(writer);
        // a page of ids needs its dictionary even when every value was null: readers refuse a chunk without it
        if (entryCount() > 0 || wroteIdPages) {
            writer.writeDictionaryPage(new DictionaryPage(BytesInput.from(entries.toByteArray()), entryCount(),
                    Encoding.PLAIN_DICTIONARY));
        }
    }

    private void addIds(FlatPage page, FlatPages chunk, PageWriter writer) throws IOException {
        if (pendingCount + page.present > pendingIds.length) {
            pendingIds = Arrays.copyOf(pendingIds, Math.max(pendingCount + page.present, pendingIds.length * 2));
        }
        Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
        stats.incrementNumNulls(page.valueCount - page.present);
        long binaryBytes = 0;
        if (page.dictionaryEncoded()) {
            Dictionary dictionary = chunk.dictionary();
            boolean[] used = new boolean[dictionary.getMaxId() + 1];
            for (int v = 0; v < page.present; v++) {
                int in = page.inputId(v);
                used[in] = true;
                pendingIds[pendingCount + v] = outputIdOf(chunk, in);
                if (type == PrimitiveTypeName.BINARY) {
                    binaryBytes += page.binaryLength(v);
                }
            }
            for (int in = 0; in < used.length; in++) {
                if (used[in]) {
                    updateStats(stats, dictionary, in);
                }
            }
        } else {
            for (int v = 0; v < page.present; v++) {
                pendingIds[pendingCount + v] = idOf(page, v);
                updateStats(stats, page, v);
                if (type == PrimitiveTypeName.BINARY) {
                    binaryBytes += page.binaryLength(v);
                }
            }
        }
        for (int v = 0; v < page.present; v++) {
            pendingMaxId = Math.max(pendingMaxId, pendingIds[pendingCount + v]);
        }
        pendingCount += page.present;
        pending.add(page, stats, binaryBytes);
        if (pendingCount >= targetPageIds) {
            flushIds(writer);
        }
    }

    private void flushIds(PageWriter writer) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        int bitWidth = BytesUtils.getWidthFromMaxInt(pendingMaxId);
        try (RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 64 << 10,
                1 << 20, new HeapByteBufferAllocator())) {
            for (int i = 0; i < pendingCount; i++) {
                encoder.writeInt(pendingIds[i]);
            }
            BytesInput values = BytesInput.concat(BytesInput.from(new byte[] {(byte) bitWidth}),
                    BytesInput.copy(encoder.toBytes()));
            pending.writeTo(writer, values, Encoding.PLAIN_DICTIONARY);
            wroteIdPages = true;
        }
        for (int i = 0; i < pendingCount; i++) {
            if (pendingIds[i] < inPageStats.length) {
                inPageStats[pendingIds[i]] = false;
            }
        }
        pendingCount = 0;
        pendingMaxId = 0;
    }

    /**
     * The output id of an entry of an input chunk's dictionary: looked up in the output dictionary (and added when
     * new) once per chunk, then read from the chunk's map.
     */
    private int outputIdOf(FlatPages chunk, int inputId) {
        int[] ids = chunk.outputIds(this);
        if (ids[inputId] < 0) {
            Dictionary dictionary = chunk.dictionary();
            ids[inputId] = switch (type) {
                case INT32 -> idOf(dictionary.decodeToInt(inputId));
                case INT64 -> idOf(dictionary.decodeToLong(inputId));
                case FLOAT -> idOf(Float.floatToRawIntBits(dictionary.decodeToFloat(inputId)));
                case DOUBLE -> idOf(Double.doubleToRawLongBits(dictionary.decodeToDouble(inputId)));
                default -> idOf(dictionary.decodeToBinary(inputId));
            };
        }
        return ids[inputId];
    }

    /** The output id of a page's value {@code v}, adding it to the dictionary when new. */
    private int idOf(FlatPage page, int v) {
        return switch (type) {
            case INT32 -> idOf(page.getInteger(v));
            case INT64 -> idOf(page.getLong(v));
            case FLOAT -> idOf(Float.floatToRawIntBits(page.getFloat(v)));
            case DOUBLE -> idOf(Double.doubleToRawLongBits(page.getDouble(v)));
            default -> idOf(page.getBinary(v));
        };
    }

    /** The output id of a number, by its raw bits (an INT32 or FLOAT widened), adding it when new. */
    private int idOf(long bits) {
        if (idByOffset != null) {
            long offset = bits - rangeMin;
            if (offset >= 0 && offset < idByOffset.length) {
                int id = idByOffset[(int) offset];
                return id >= 0 ? id : (idByOffset[(int) offset] = hashedIdOf(bits));
            }
        }
        return hashedIdOf(bits);
    }

    private int hashedIdOf(long bits) {
        int id = numberIds.get(bits);
        if (id >= 0) {
            return id;
        }
        writeLittleEndian(bits, type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.FLOAT ? 4 : 8);
        return numberIds.add(bits);
    }

    /** The output id of a BINARY or FIXED_LEN_BYTE_ARRAY value, adding it when new. */
    private int idOf(Binary value) {
        Integer id = binaryIds.get(value);
        if (id != null) {
            return id;
        }
        // always a copy: a value of an input's dictionary would keep that whole page reachable
        byte[] bytes = value.getBytes();
        id = binaryIds.size();
        binaryIds.put(Binary.fromConstantByteArray(bytes), id);
        if (type == PrimitiveTypeName.BINARY) {
            writeLittleEndian(bytes.length, 4);
        }
        entries.write(bytes, 0, bytes.length);
        return id;
    }

    private int entryCount() {
        return numberIds.size() + binaryIds.size();
    }

    private void writeLittleEndian(long value, int width) {
        for (int i = 0; i < width; i++) {
            entries.write((int) (value >>> (8 * i)));
        }
    }

    private void updateStats(Statistics<?> stats, Dictionary dictionary, int id) {
        switch (type) {
            case INT32 -> stats.updateStats(dictionary.decodeToInt(id));
            case INT64 -> stats.updateStats(dictionary.decodeToLong(id));
            case FLOAT -> stats.updateStats(dictionary.decodeToFloat(id));
            case DOUBLE -> stats.updateStats(dictionary.decodeToDouble(id));
            // marked reused, so statistics keep a copy rather than pin the input's dictionary page
            default -> stats.updateStats(Binary.fromReusedByteBuffer(dictionary.decodeToBinary(id).toByteBuffer()));
        }
    }

    private void updateStats(Statistics<?> stats, FlatPage page, int v) {
        switch (type) {
            case INT32 -> stats.updateStats(page.getInteger(v));
            case INT64 -> stats.updateStats(page.getLong(v));
            case FLOAT -> stats.updateStats(page.getFloat(v));
            case DOUBLE -> stats.updateStats(page.getDouble(v));
            default -> stats.updateStats(page.getBinary(v));
        }
    }

    /** After rows of a batch: the dictionary's and the pending page's limits are checked. */
    private void endRows(PageWriter writer) throws IOException {
        if (plain) {
            overflow.flushWhenFull(writer);
        } else if (entries.size() > maxDictionaryBytes) {
            plain = true;
            flushIds(writer);
        } else if (pendingCount >= targetPageIds) {
            flushIds(writer);
        }
    }

    /**
     * Appends output column {@code c} of a batch's rows. A row of a dictionary-encoded input page is looked up by
     * its entry, once per input chunk, as whole pages are; its statistics come from the decoded value.
     */
    public void writeRows(RowBatch batch, int c, PageWriter writer) throws IOException {
        DecodedColumn[] columns = batch.columns(c);
        int[] groupOf = batch.groupOf;
        int[] rows = batch.rows;
        for (int i = 0; i < batch.size(); i++) {
            DecodedColumn column = columns[groupOf[i]];
            int row = rows[i];
            if (plain) {
                overflow.writeRow(column, row);
            } else if (column.isNull(row)) {
                addNull();
            } else {
                int id;
                if (idByOffset != null) {
                    id = idOf(column.longs[row]);
                } else if (column.ids != null && column.ids[row] >= 0) {
                    int[] known = column.outputIds(this);
                    int entry = column.ids[row];
                    id = known[entry] >= 0 ? known[entry] : (known[entry] = idOf(column, row));
                } else {
                    id = idOf(column, row);
                }
                if (firstInPage(id)) {
                    updateStats(pending.statistics(), column, row);
                }
                if (type == PrimitiveTypeName.BINARY) {
                    pending.addBinaryBytes(column.lengths[row]);
                }
                addId(id);
            }
            // checking every row cost more than the row: a page or the dictionary may pass its limit by this many
            if ((i + 1) % ROWS_PER_LIMIT_CHECK == 0 || i + 1 == batch.size()) {
                endRows(writer);
            }
        }
    }

    /** A decoded value's output id, adding it to the dictionary when new. */
    private int idOf(DecodedColumn column, int row) {
        return column.longs != null ? idOf(column.longs[row]) : idOf(column.binary(row));
    }

    private void updateStats(Statistics<?> stats, DecodedColumn column, int row) {
        switch (type) {
            case INT32 -> stats.updateStats((int) column.longs[row]);
            case INT64 -> stats.updateStats(column.longs[row]);
            case FLOAT -> stats.updateStats(Float.intBitsToFloat((int) column.longs[row]));
            case DOUBLE -> stats.updateStats(Double.longBitsToDouble(column.longs[row]));
            // marked reused: statistics copy what they keep
            default -> stats.updateStats(column.binary(row));
        }
    }

    private void addNull() {
        pending.addRow(false);
        pending.statistics().incrementNumNulls();
    }

    /** True the first time an id is written to the pending page: only then can it change the page's min or max. */
    private boolean firstInPage(int id) {
        if (id >= inPageStats.length) {
            inPageStats = Arrays.copyOf(inPageStats, Math.max(id + 1, inPageStats.length * 2));
        }
        boolean first = !inPageStats[id];
        inPageStats[id] = true;
        return first;
    }

    private void addId(int id) {
        if (pendingCount == pendingIds.length) {
            pendingIds = Arrays.copyOf(pendingIds, pendingIds.length * 2);
        }
        pendingIds[pendingCount++] = id;
        pendingMaxId = Math.max(pendingMaxId, id);
        pending.addRow(true);
    }

    @Override
    public String toString() {
        return "dictionary of " + Arrays.toString(column.getPath()) + " with " + entryCount() + " entries";
    }
}
