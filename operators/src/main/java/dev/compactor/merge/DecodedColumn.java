package dev.compactor.merge;

import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.util.Arrays;

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
 */
final class DecodedColumn {

    final PrimitiveTypeName type;
    final int rows;
    /** Null when every row has a value. */
    final boolean[] defined;
    final long[] longs;
    final byte[] data;
    final int[] starts;
    final int[] lengths;
    /** The row's entry in its chunk's dictionary, -1 where its page was not dictionary-encoded; null if none was. */
    final int[] ids;
    private Object outputIdsOwner;
    private int[] outputIds;

    private DecodedColumn(PrimitiveTypeName type, int rows, boolean[] defined, long[] longs, byte[] data,
                          int[] starts, int[] lengths, int[] ids) {
        this.type = type;
        this.rows = rows;
        this.defined = defined;
        this.longs = longs;
        this.data = data;
        this.starts = starts;
        this.lengths = lengths;
        this.ids = ids;
    }

    /** A column the input lacks: every row null. */
    static DecodedColumn absent(PrimitiveTypeName type, int rows) {
        return new DecodedColumn(type, rows, new boolean[rows], null, null, null, null, null);
    }

    /**
     * Reads {@code rows} rows from a reader positioned at a row group's first row.
     *
     * @param maxDefinition the input column's maximum definition level: a row below it is null
     * @param chunkBytes    the chunk's uncompressed size, which holds every byte value
     */
    static DecodedColumn read(ColumnReader reader, PrimitiveTypeName type, int maxDefinition, int rows,
                              long chunkBytes) {
        boolean[] defined = maxDefinition > 0 ? new boolean[rows] : null;
        boolean bytes = type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
        long[] longs = bytes ? null : new long[rows];
        int[] starts = bytes ? new int[rows] : null;
        int[] lengths = bytes ? new int[rows] : null;
        int[] ids = null;
        ByteSink data = bytes ? new ByteSink((int) Math.min(chunkBytes, Integer.MAX_VALUE - 8)) : null;
        PageColumnReader flat = reader instanceof PageColumnReader p ? p : null;
        Dictionary copied = null;
        int[] entryStarts = null;
        boolean allDefined = true;
        for (int r = 0; r < rows; r++) {
            if (defined != null) {
                defined[r] = reader.getCurrentDefinitionLevel() >= maxDefinition;
                if (!defined[r]) {
                    allDefined = false;
                    reader.consume();
                    continue;
                }
            }
            boolean fromDictionary = flat != null && flat.onDictionaryPage();
            if (fromDictionary) {
                if (ids == null) {
                    ids = new int[rows];
                    Arrays.fill(ids, -1);
                }
                ids[r] = flat.getCurrentValueDictionaryID();
            }
            if (!bytes) {
                longs[r] = switch (type) {
                    case INT64 -> reader.getLong();
                    case INT32 -> reader.getInteger();
                    case DOUBLE -> Double.doubleToRawLongBits(reader.getDouble());
                    case FLOAT -> Float.floatToRawIntBits(reader.getFloat());
                    default -> throw new IllegalArgumentException("not a flat value type: " + type);
                };
            } else if (fromDictionary) {
                Dictionary dictionary = flat.chunk().dictionary();
                if (dictionary != copied) {
                    entryStarts = data.copyEntries(dictionary);
                    copied = dictionary;
                }
                starts[r] = entryStarts[ids[r]];
                lengths[r] = entryStarts[ids[r] + 1] - entryStarts[ids[r]];
            } else {
                Binary value = reader.getBinary();
                starts[r] = data.length;
                lengths[r] = value.length();
                data.add(value);
            }
            reader.consume();
        }
        return new DecodedColumn(type, rows, allDefined ? null : defined, longs, bytes ? data.bytes() : null,
                starts, lengths, ids);
    }

    /**
     * What decoding a chunk holds, at most: per row a value or a slice, an entry when the chunk has a dictionary,
     * a null flag when the column is optional; and for byte values their bytes, which the chunk's uncompressed
     * size bounds (it holds the dictionary and every PLAIN value).
     */
    static long bytesFor(ColumnChunkMetaData chunk) {
        PrimitiveType type = chunk.getPrimitiveType();
        boolean bytes = type.getPrimitiveTypeName() == PrimitiveTypeName.BINARY
                || type.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
        long perRow = 8 + (chunk.hasDictionaryPage() ? 4 : 0)
                + (type.getRepetition() == Type.Repetition.REQUIRED ? 0 : 1);
        return (bytes ? chunk.getTotalUncompressedSize() : 0) + perRow * chunk.getValueCount();
    }

    boolean isNull(int row) {
        return defined != null && !defined[row];
    }

    /** Row {@code row}'s bytes, marked reused: they belong to this column. */
    Binary binary(int row) {
        return Binary.fromReusedByteArray(data, starts[row], lengths[row]);
    }

    /**
     * The output ids of this chunk's dictionary entries in the output dictionary of {@code owner}, -1 where not
     * looked up yet; started afresh when another output dictionary asks, as ids are only valid in their own.
     */
    int[] outputIds(Object owner) {
        if (owner != outputIdsOwner) {
            int entries = 0;
            for (int id : ids) {
                entries = Math.max(entries, id + 1);
            }
            outputIds = new int[entries];
            Arrays.fill(outputIds, -1);
            outputIdsOwner = owner;
        }
        return outputIds;
    }

    /** A growing byte array that byte values and dictionaries are copied into. */
    private static final class ByteSink {
        private byte[] bytes;
        private int length;

        ByteSink(int expected) {
            bytes = new byte[Math.max(16, expected)];
        }

        void add(Binary value) {
            int n = value.length();
            ensure(n);
            value.toByteBuffer().get(bytes, length, n);
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
                bytes = Arrays.copyOf(bytes, Math.max(length + more, 2 * bytes.length));
            }
        }
    }
}
