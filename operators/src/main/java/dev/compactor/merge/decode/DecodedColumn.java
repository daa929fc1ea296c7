package dev.compactor.merge.decode;

import dev.compactor.merge.write.RowBatch;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Every value of one flat column of a row group, decoded into arrays indexed by row, so that a batch of rows
 * from many inputs can be gathered into an output column in one typed loop ({@link RowBatch}), with no call per
 * value to a reader or a writer.
 *
 * <p>Numbers are kept as their raw bits in {@link #longs} (INT32 and FLOAT in the low 32 bits). Byte values
 * are slices of {@link #data}: a dictionary-encoded chunk's dictionary is copied there once, and its rows point
 * into it, so a long value repeated on every row is held once. Rows of dictionary-encoded pages also keep their
 * entry ({@link #ids}), which lets an output dictionary look each entry up once per chunk instead of once per
 * row.
 *
 * <p>The arrays may be longer than the row group's rows ({@link DecodedArrays} hands out arrays kept from row
 * groups let go); entries past the last row, and a null row's entries, mean nothing.
 */
public final class DecodedColumn {

    /** Null when every row has a value, or when none has ({@link #allNull}). */
    final boolean[] defined;
    private final boolean allNull;
    public final long[] longs;
    public final byte[] data;
    public final int[] starts;
    public final int[] lengths;
    /** The row's entry in its chunk's dictionary, -1 where its page was not dictionary-encoded; null if none was. */
    public final int[] ids;
    /** How many entries the chunk's dictionary has: the ids lie below. */
    private final int entries;
    private Object outputIdsOwner;
    private int[] outputIds;

    private DecodedColumn(boolean allNull, boolean[] defined, long[] longs, byte[] data, int[] starts,
                          int[] lengths, int[] ids, int entries) {
        this.allNull = allNull;
        this.defined = defined;
        this.longs = longs;
        this.data = data;
        this.starts = starts;
        this.lengths = lengths;
        this.ids = ids;
        this.entries = entries;
    }

    /** A column the input lacks: every row null. */
    public static DecodedColumn absent() {
        return new DecodedColumn(true, null, null, null, null, null, null, 0);
    }

    /**
     * Reads {@code rows} rows from parquet-java's reader positioned at a row group's first row, for a chunk that
     * {@link FlatPage} does not read.
     *
     * @param maxDefinition the input column's maximum definition level: a row below it is null
     * @param chunkBytes    the chunk's uncompressed size, which holds every byte value
     * @param arrays        where its arrays come from
     */
    public static DecodedColumn read(ColumnReader reader, PrimitiveTypeName type, int maxDefinition, int rows,
                              long chunkBytes, DecodedArrays arrays) {
        if (reader.getTotalValueCount() != rows) {
            throw new ParquetDecodingException("a chunk of " + type + " holds " + reader.getTotalValueCount()
                    + " values for " + rows + " rows");
        }
        Filling column = new Filling(type, maxDefinition > 0, rows, chunkBytes, arrays);
        // parquet-java hands out a dictionary's own Binary for each of its values: held once, not once per row
        Map<Binary, Integer> copied = new IdentityHashMap<>();
        for (int r = 0; r < rows; r++) {
            if (reader.getCurrentDefinitionLevel() < maxDefinition) {
                column.addNull(r);
            } else {
                switch (type) {
                    case INT64 -> column.longs[r] = reader.getLong();
                    case INT32 -> column.longs[r] = reader.getInteger();
                    case DOUBLE -> column.longs[r] = Double.doubleToRawLongBits(reader.getDouble());
                    case FLOAT -> column.longs[r] = Float.floatToRawIntBits(reader.getFloat());
                    default -> {
                        Binary value = reader.getBinary();
                        Integer first = copied.putIfAbsent(value, r);
                        if (first == null) {
                            column.addBytes(r, value);
                        } else {
                            column.sameBytes(r, first);
                        }
                    }
                }
            }
            reader.consume();
        }
        return column.done();
    }

    /**
     * Reads a chunk's pages ({@link FlatPage#accepts}) straight into arrays: a page's PLAIN numbers in one bulk
     * copy, a dictionary page's numbers through the dictionary decoded once per chunk, byte values copied once.
     *
     * @param chunkBytes the chunk's uncompressed size, which holds every byte value
     * @param arrays     where its arrays come from
     */
    public static DecodedColumn readPages(FlatPages pages, PrimitiveTypeName type, boolean optional, int rows,
                                   long chunkBytes, DecodedArrays arrays) throws IOException {
        Filling column = new Filling(type, optional, rows, chunkBytes, arrays);
        int r = 0;
        for (FlatPage page = pages.next(); page != null; page = pages.next()) {
            if (page.valueCount > rows - r) {
                throw new ParquetDecodingException("a chunk of " + type + " holds more values than its row group's "
                        + rows + " rows");
            }
            if (page.dictionaryEncoded()) {
                column.useDictionary(pages.dictionary());
            }
            if (!page.dictionaryEncoded() && column.longs != null && page.present == page.valueCount) {
                column.addPlainNumbers(page, r);
                r += page.valueCount;
                continue;
            }
            for (int level = 0, value = 0; level < page.valueCount; level++, r++) {
                if (!page.isDefined(level)) {
                    column.addNull(r);
                } else if (page.dictionaryEncoded()) {
                    column.addEntry(r, page.inputId(value++));
                } else if (column.longs != null) {
                    column.longs[r] = page.width() == 8 ? page.getLong(value++) : page.getInteger(value++);
                } else {
                    column.addBytes(r, page.bytes.array(), page.valueStart(value), page.binaryLength(value));
                    value++;
                }
            }
        }
        if (r != rows) {
            throw new ParquetDecodingException("a chunk of " + type + " holds " + r + " values for " + rows + " rows");
        }
        return column.done();
    }

    /**
     * What decoding a chunk holds, at most: per row a value or a slice, an entry when the chunk has a dictionary,
     * a null flag when the column is optional; and for byte values their bytes, which the chunk's uncompressed
     * size bounds (it holds the dictionary and every PLAIN value); the arrays being kept ones, a little more.
     */
    static long bytesFor(ColumnChunkMetaData chunk) {
        PrimitiveType type = chunk.getPrimitiveType();
        boolean bytes = holdsBytes(type.getPrimitiveTypeName());
        long perRow = 8 + (chunk.hasDictionaryPage() ? 4 : 0)
                + (type.getRepetition() == Type.Repetition.REQUIRED ? 0 : 1);
        return DecodedArrays.withSlack((bytes ? chunk.getTotalUncompressedSize() : 0) + perRow * chunk.getValueCount());
    }

    /** True for the types kept as slices of {@link #data}; the others are numbers in {@link #longs}. */
    public static boolean holdsBytes(PrimitiveTypeName type) {
        return type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    }

    /** False when every row has a value. */
    public boolean mayHaveNulls() {
        return allNull || defined != null;
    }

    public boolean isNull(int row) {
        return allNull || defined != null && !defined[row];
    }

    /** Row {@code row}'s bytes, marked reused: they belong to this column. */
    public Binary binary(int row) {
        return Binary.fromReusedByteArray(data, starts[row], lengths[row]);
    }

    /**
     * The output ids of this chunk's dictionary entries in the output dictionary of {@code owner}, -1 where not
     * looked up yet; started afresh when another output dictionary asks, as ids are only valid in their own.
     */
    public int[] outputIds(Object owner) {
        if (owner != outputIdsOwner) {
            outputIds = new int[entries];
            Arrays.fill(outputIds, -1);
            outputIdsOwner = owner;
        }
        return outputIds;
    }

    /** The arrays of a column being read, filled row by row. */
    private static final class Filling {
        private static final int INITIAL_BYTES = 1 << 20;

        private final PrimitiveTypeName type;
        private final int rows;
        private final DecodedArrays arrays;
        private final boolean[] defined;
        private boolean allDefined = true;
        final long[] longs;
        private final ByteSink data;
        private final int[] starts;
        private final int[] lengths;
        private int[] ids;
        private int entries;
        /** The chunk's dictionary: numbers as raw bits, or where each entry's bytes start in data. */
        private Dictionary dictionary;
        private long[] entryBits;
        private int[] entryStarts;

        Filling(PrimitiveTypeName type, boolean optional, int rows, long chunkBytes, DecodedArrays arrays) {
            this.type = type;
            this.rows = rows;
            this.arrays = arrays;
            this.defined = optional ? new boolean[rows] : null;
            boolean bytes = holdsBytes(type);
            this.longs = bytes ? null : arrays.longs(rows);
            // the footer's size is a hint, not a promise: a damaged one must not allocate gigabytes up front
            this.data = bytes ? new ByteSink((int) Math.min(chunkBytes, INITIAL_BYTES), arrays) : null;
            this.starts = bytes ? arrays.ints(rows) : null;
            this.lengths = bytes ? arrays.ints(rows) : null;
            if (defined != null) {
                Arrays.fill(defined, true);
            }
        }

        void addNull(int row) {
            defined[row] = false;
            allDefined = false;
            // a kept array's old value would mean nothing here either; a zero keeps outputs independent of it (ids
            // need nothing: they are all -1 from the moment they exist)
            if (longs != null) {
                longs[row] = 0;
            } else {
                starts[row] = 0;
                lengths[row] = 0;
            }
        }

        void addBytes(int row, Binary value) {
            starts[row] = data.length;
            lengths[row] = value.length();
            data.add(value);
        }

        /** Row {@code row} holds the bytes of an earlier row. */
        void sameBytes(int row, int earlier) {
            starts[row] = starts[earlier];
            lengths[row] = lengths[earlier];
        }

        void addBytes(int row, byte[] from, int start, int length) {
            starts[row] = data.length;
            lengths[row] = length;
            data.add(from, start, length);
        }

        /** Every value of a PLAIN page without nulls, from row {@code row} on. */
        void addPlainNumbers(FlatPage page, int row) {
            ByteBuffer values = page.bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(page.valuesAt);
            if (page.width() == 8) {
                values.asLongBuffer().get(longs, row, page.valueCount);
            } else {
                for (int v = 0; v < page.valueCount; v++) {
                    longs[row + v] = values.getInt(page.valuesAt + 4 * v);
                }
            }
        }

        /** Takes the dictionary of the chunk's dictionary-encoded pages, decoding its entries once. */
        void useDictionary(Dictionary chunkDictionary) {
            if (chunkDictionary == dictionary) {
                return;
            }
            dictionary = chunkDictionary;
            if (ids == null) {
                ids = arrays.ints(rows);
                Arrays.fill(ids, 0, rows, -1);
            }
            entries = Math.max(entries, dictionary.getMaxId() + 1);
            if (longs == null) {
                entryStarts = data.copyEntries(dictionary);
                return;
            }
            entryBits = new long[dictionary.getMaxId() + 1];
            for (int id = 0; id < entryBits.length; id++) {
                entryBits[id] = switch (type) {
                    case INT64 -> dictionary.decodeToLong(id);
                    case INT32 -> dictionary.decodeToInt(id);
                    case DOUBLE -> Double.doubleToRawLongBits(dictionary.decodeToDouble(id));
                    case FLOAT -> Float.floatToRawIntBits(dictionary.decodeToFloat(id));
                    default -> throw new IllegalArgumentException("not a flat value type: " + type);
                };
            }
        }

        /** A row whose value is entry {@code id} of the dictionary taken last. */
        void addEntry(int row, int id) {
            ids[row] = id;
            if (longs != null) {
                longs[row] = entryBits[id];
            } else {
                starts[row] = entryStarts[id];
                lengths[row] = entryStarts[id + 1] - entryStarts[id];
            }
        }

        DecodedColumn done() {
            return new DecodedColumn(false, allDefined ? null : defined, longs, data == null ? null : data.bytes(),
                    starts, lengths, ids, entries);
        }
    }

    /** A growing byte array that byte values and dictionaries are copied into. */
    private static final class ByteSink {
        private final DecodedArrays arrays;
        private byte[] bytes;
        private int length;

        ByteSink(int expected, DecodedArrays arrays) {
            this.arrays = arrays;
            bytes = arrays.bytes(Math.max(16, expected));
        }

        void add(Binary value) {
            int n = value.length();
            ensure(n);
            value.toByteBuffer().get(bytes, length, n);
            length += n;
        }

        void add(byte[] from, int start, int n) {
            ensure(n);
            System.arraycopy(from, start, bytes, length, n);
            length += n;
        }

        /** Copies every entry of a dictionary; returns where each starts, and where the last one ends. */
        int[] copyEntries(Dictionary dictionary) {
            int[] at = new int[dictionary.getMaxId() + 2];
            for (int id = 0; id <= dictionary.getMaxId(); id++) {
                at[id] = length;
                add(dictionary.decodeToBinary(id));
            }
            at[dictionary.getMaxId() + 1] = length;
            return at;
        }

        byte[] bytes() {
            return bytes;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                byte[] larger = arrays.bytes(Math.max(length + more, 2 * bytes.length));
                System.arraycopy(bytes, 0, larger, 0, length);
                arrays.letGo(bytes);
                bytes = larger;
            }
        }
    }
}
