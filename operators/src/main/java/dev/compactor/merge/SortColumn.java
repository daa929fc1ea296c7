package dev.compactor.merge;

import org.apache.avro.Schema;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The sort column read straight from column readers: compares the current rows of two {@link RowGroupRows}
 * the way {@link RowOrder} compares Avro rows (nulls first, numbers by value, strings by their UTF-8 bytes), and
 * remembers the last key emitted so a merge can check that its output really is in order.
 */
final class SortColumn {

    private final int column;
    private final PrimitiveTypeName type;
    private final String[] path;

    private boolean lastSet;
    private boolean lastNull;
    private long lastLong;
    private double lastDouble;
    private Binary lastBinary;

    private SortColumn(int column, PrimitiveTypeName type, String[] path) {
        this.column = column;
        this.type = type;
        this.path = path;
    }

    /**
     * Empty when the column's values cannot be compared here exactly as Avro orders them (bytes, enums, fixed,
     * nested or repeated values): those windows are sorted through Avro rows instead.
     */
    static Optional<SortColumn> of(Schema rowSchema, MessageType schema, String name) {
        Schema.Field field = rowSchema.getField(name);
        if (field == null) {
            return Optional.empty();
        }
        Schema.Type avroType = WindowSchema.nonNull(field.schema()).getType();
        if (!List.of(Schema.Type.LONG, Schema.Type.INT, Schema.Type.DOUBLE, Schema.Type.FLOAT, Schema.Type.BOOLEAN,
                Schema.Type.STRING).contains(avroType) || !schema.containsPath(new String[] {name})) {
            return Optional.empty();
        }
        List<ColumnDescriptor> columns = schema.getColumns();
        for (int c = 0; c < columns.size(); c++) {
            ColumnDescriptor d = columns.get(c);
            if (d.getPath().length == 1 && d.getPath()[0].equals(name) && d.getMaxRepetitionLevel() == 0) {
                return Optional.of(new SortColumn(c, d.getPrimitiveType().getPrimitiveTypeName(), d.getPath()));
            }
        }
        return Optional.empty();
    }

    int compare(RowGroupRows a, RowGroupRows b) {
        boolean an = a.isNull(column);
        boolean bn = b.isNull(column);
        if (an || bn) {
            return an ? (bn ? 0 : -1) : 1;
        }
        ColumnReader x = a.reader(column);
        ColumnReader y = b.reader(column);
        return switch (type) {
            case INT64 -> Long.compare(x.getLong(), y.getLong());
            case INT32 -> Integer.compare(x.getInteger(), y.getInteger());
            case DOUBLE -> Double.compare(x.getDouble(), y.getDouble());
            case FLOAT -> Float.compare(x.getFloat(), y.getFloat());
            case BOOLEAN -> Boolean.compare(x.getBoolean(), y.getBoolean());
            default -> compareBytes(x.getBinary(), y.getBinary());
        };
    }

    /** True when the row's key sorts before the last remembered key: the rows are not arriving in order. */
    boolean beforeLast(RowGroupRows r) {
        if (!lastSet) {
            return false;
        }
        if (r.isNull(column) || lastNull) {
            return r.isNull(column) && !lastNull;
        }
        ColumnReader x = r.reader(column);
        return switch (type) {
            case INT64, INT32 -> (type == PrimitiveTypeName.INT64 ? x.getLong() : x.getInteger()) < lastLong;
            case DOUBLE, FLOAT -> Double.compare(type == PrimitiveTypeName.DOUBLE ? x.getDouble() : x.getFloat(),
                    lastDouble) < 0;
            case BOOLEAN -> Long.compare(x.getBoolean() ? 1 : 0, lastLong) < 0;
            default -> compareBytes(x.getBinary(), lastBinary) < 0;
        };
    }

    /** Starts a new output: nothing emitted yet. */
    void forget() {
        lastSet = false;
        lastBinary = null;
    }

    /** Remembers the row's key; call before the row is copied, while the reader still points at it. */
    void remember(RowGroupRows r) {
        lastSet = true;
        lastNull = r.isNull(column);
        if (lastNull) {
            return;
        }
        ColumnReader x = r.reader(column);
        switch (type) {
            case INT64 -> lastLong = x.getLong();
            case INT32 -> lastLong = x.getInteger();
            case DOUBLE -> lastDouble = x.getDouble();
            case FLOAT -> lastDouble = x.getFloat();
            case BOOLEAN -> lastLong = x.getBoolean() ? 1 : 0;
            default -> lastBinary = x.getBinary().copy();
        }
    }

    /**
     * False when the footer's statistics prove the file is not sorted: a row group starts below where the one
     * before it ended. True otherwise, which is not proof it is sorted; the merge checks that as it reads.
     */
    boolean rowGroupsMayBeSorted(List<BlockMetaData> rowGroups) {
        Statistics<?> previous = null;
        for (BlockMetaData block : rowGroups) {
            Statistics<?> stats = statisticsOf(block);
            if (stats == null || !stats.hasNonNullValue()) {
                previous = null;
                continue;
            }
            if (previous != null && compareStatistics(stats, previous) < 0) {
                return false;
            }
            previous = stats;
        }
        return true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareStatistics(Statistics<?> current, Statistics<?> previous) {
        // the file's own comparator for the column's type; min of this row group against max of the one before
        return ((Statistics) current).comparator().compare(current.genericGetMin(), previous.genericGetMax());
    }

    private Statistics<?> statisticsOf(BlockMetaData block) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            if (Arrays.equals(chunk.getPath().toArray(), path)) {
                return chunk.getStatistics();
            }
        }
        return null;
    }

    /** Unsigned, as Avro compares UTF-8 strings. */
    private static int compareBytes(Binary a, Binary b) {
        return PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR.compare(a, b);
    }
}
