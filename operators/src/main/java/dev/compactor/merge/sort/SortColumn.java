package dev.compactor.merge.sort;

import dev.compactor.merge.decode.DecodedColumn;
import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.read.RowGroupRows;
import dev.compactor.merge.reference.RowOrder;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sort column read straight from column readers: compares the current rows of two {@link RowGroupRows}
 * the way {@link RowOrder} compares rows (nulls first, numbers by value, strings by their bytes), and
 * remembers the last key emitted so a merge can check that its output really is in order.
 */
public final class SortColumn {

    private final int column;
    private final PrimitiveTypeName type;
    private final String[] path;

    /** Parquet's orders this class reproduces: signed numbers, booleans, unsigned bytes. */
    private static final Set<PrimitiveComparator<?>> FAST_ORDERS = Set.of(orderOf(PrimitiveTypeName.INT32),
            orderOf(PrimitiveTypeName.INT64), orderOf(PrimitiveTypeName.FLOAT), orderOf(PrimitiveTypeName.DOUBLE),
            orderOf(PrimitiveTypeName.BOOLEAN), orderOf(PrimitiveTypeName.BINARY));

    private final Key last = new Key();
    private boolean lastSet;

    private SortColumn(int column, PrimitiveTypeName type, String[] path) {
        this.column = column;
        this.type = type;
        this.path = path;
    }

    /**
     * Empty when this class does not compare the column's values exactly as {@link RowOrder} does (Parquet's order
     * for the type): unsigned integers, decimals stored as bytes, FLOAT16, INT96, nested or repeated values. Those
     * windows are sorted by the reference engine's external sort.
     */
    public static Optional<SortColumn> of(MessageType schema, String name) {
        List<ColumnDescriptor> columns = schema.getColumns();
        for (int c = 0; c < columns.size(); c++) {
            ColumnDescriptor d = columns.get(c);
            if (d.getPath().length == 1 && d.getPath()[0].equals(name) && d.getMaxRepetitionLevel() == 0) {
                PrimitiveType type = d.getPrimitiveType();
                return FAST_ORDERS.contains(type.comparator()) && type.getPrimitiveTypeName() != PrimitiveTypeName.INT96
                        ? Optional.of(new SortColumn(c, type.getPrimitiveTypeName(), d.getPath()))
                        : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The order of a plain column of the type, without annotation (parquet-java keeps its comparators private). */
    private static PrimitiveComparator<?> orderOf(PrimitiveTypeName type) {
        return Types.required(type).named("order").comparator();
    }

    /** A row's sort key, read once per row so that heap comparisons do not go back to the column reader. */
    static final class Key {
        private boolean isNull;
        private long whole;
        private double real;
        private Binary bytes;
    }

    /** Reads the current row's key into {@code into}; the row's reader must stay on the row while it is used. */
    void read(RowGroupRows r, Key into) {
        into.isNull = r.isNull(column);
        if (into.isNull) {
            return;
        }
        ColumnReader x = r.reader(column);
        switch (type) {
            case INT64 -> into.whole = x.getLong();
            case INT32 -> into.whole = x.getInteger();
            case DOUBLE -> into.real = x.getDouble();
            case FLOAT -> into.real = x.getFloat();
            case BOOLEAN -> into.whole = x.getBoolean() ? 1 : 0;
            default -> into.bytes = x.getBinary();
        }
    }

    /** Reads row {@code row}'s key of a decoded row group into {@code into}; bytes stay the row group's. */
    void read(DecodedRowGroup group, int row, Key into) {
        DecodedColumn values = group.columns[column];
        into.isNull = values.isNull(row);
        if (into.isNull) {
            return;
        }
        switch (type) {
            case INT64, INT32 -> into.whole = values.longs[row];
            case DOUBLE -> into.real = Double.longBitsToDouble(values.longs[row]);
            case FLOAT -> into.real = Float.intBitsToFloat((int) values.longs[row]);
            case BINARY, FIXED_LEN_BYTE_ARRAY -> into.bytes = values.binary(row);
            default -> throw new IllegalStateException(type + " columns are not decoded into batches");
        }
    }

    /**
     * True when {@link #rank} orders non-null keys exactly as {@link #compare} does: numbers and booleans, not
     * bytes.
     */
    boolean ranksAsLong() {
        return type != PrimitiveTypeName.BINARY && type != PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
                && type != PrimitiveTypeName.INT96;
    }

    /** A non-null key as a long in the same order ({@link #ranksAsLong}): a k-way merge compares these in an array. */
    long rank(Key k) {
        if (type != PrimitiveTypeName.DOUBLE && type != PrimitiveTypeName.FLOAT) {
            return k.whole;
        }
        // Double.compare's order: negatives flipped below positives, -0.0 before 0.0, NaN last
        long bits = Double.doubleToLongBits(k.real);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    static boolean isNull(Key k) {
        return k.isNull;
    }

    int compare(Key a, Key b) {
        if (a.isNull || b.isNull) {
            return a.isNull ? (b.isNull ? 0 : -1) : 1;
        }
        return switch (type) {
            case INT64, INT32, BOOLEAN -> Long.compare(a.whole, b.whole);
            case DOUBLE, FLOAT -> Double.compare(a.real, b.real);
            default -> compareBytes(a.bytes, b.bytes);
        };
    }

    /** True when the key sorts before the last remembered key: the rows are not arriving in order. */
    boolean beforeLast(Key k) {
        return lastSet && compare(k, last) < 0;
    }

    /** Starts a new output: nothing emitted yet. */
    void forget() {
        lastSet = false;
        last.bytes = null;
    }

    /** Remembers a key emitted; bytes are copied, as the row's page may be gone when the next key comes. */
    void remember(Key k) {
        lastSet = true;
        last.isNull = k.isNull;
        last.whole = k.whole;
        last.real = k.real;
        last.bytes = k.isNull || k.bytes == null ? null : k.bytes.copy();
    }

    /**
     * The key a sorted file starts at, from its footer: the smallest value of the sort column. Empty when the
     * footer cannot promise that no row sorts lower: the column has nulls (they sort first) or no statistics, or
     * the statistics order values differently from this merge (an unsigned integer).
     */
    Optional<Object> firstKey(List<BlockMetaData> rowGroups) {
        Object first = null;
        for (BlockMetaData block : rowGroups) {
            Statistics<?> stats = statisticsOf(block);
            if (stats == null || !ordersLikeThisMerge(stats) || stats.isEmpty() || !stats.isNumNullsSet()
                    || stats.getNumNulls() > 0) {
                return Optional.empty();
            }
            if (stats.hasNonNullValue() && (first == null || compareKeys(key(stats.genericGetMin()), first) < 0)) {
                first = key(stats.genericGetMin());
            }
        }
        return Optional.ofNullable(first);
    }

    /** The key a sorted file ends at, from its footer; empty when unknown (then it may run to the end). */
    Optional<Object> lastKey(List<BlockMetaData> rowGroups) {
        Object last = null;
        for (BlockMetaData block : rowGroups) {
            Statistics<?> stats = statisticsOf(block);
            if (stats == null || !ordersLikeThisMerge(stats) || !stats.hasNonNullValue()
                    || type == PrimitiveTypeName.DOUBLE || type == PrimitiveTypeName.FLOAT) {
                // NaN sorts last here but is left out of the statistics
                return Optional.empty();
            }
            if (last == null || compareKeys(key(stats.genericGetMax()), last) > 0) {
                last = key(stats.genericGetMax());
            }
        }
        return Optional.ofNullable(last);
    }

    /** Compares a row's key with a key from {@link #firstKey}; a null key sorts first. */
    int compareTo(Key k, Object footerKey) {
        if (k.isNull) {
            return -1;
        }
        return switch (type) {
            case INT64, INT32 -> Long.compare(k.whole, (Long) footerKey);
            case DOUBLE, FLOAT -> Double.compare(k.real, (Double) footerKey);
            case BOOLEAN -> Long.compare(k.whole, (Boolean) footerKey ? 1 : 0);
            default -> compareBytes(k.bytes, (Binary) footerKey);
        };
    }

    /** Compares two keys from {@link #firstKey} or {@link #lastKey}. */
    int compareKeys(Object a, Object b) {
        return switch (type) {
            case INT64, INT32 -> Long.compare((Long) a, (Long) b);
            case DOUBLE, FLOAT -> Double.compare((Double) a, (Double) b);
            case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
            default -> compareBytes((Binary) a, (Binary) b);
        };
    }

    /** A statistics value as a key: integers widened to long, floats to double, bytes copied. */
    private Object key(Object value) {
        return switch (type) {
            case INT64, INT32 -> ((Number) value).longValue();
            case DOUBLE, FLOAT -> ((Number) value).doubleValue();
            case BOOLEAN -> value;
            default -> ((Binary) value).copy();
        };
    }

    /** True when the statistics' min and max are this merge's min and max: signed numbers, unsigned bytes. */
    private static boolean ordersLikeThisMerge(Statistics<?> stats) {
        PrimitiveType primitive = stats.type();
        if (primitive.getLogicalTypeAnnotation()
                instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()) {
            return false;
        }
        PrimitiveTypeName name = primitive.getPrimitiveTypeName();
        return name != PrimitiveTypeName.BINARY
                || stats.comparator() == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
    }

    /**
     * False when the footer's statistics prove the file is not sorted: a row group starts below where the one
     * before it ended. True otherwise, which is not proof it is sorted; the merge checks that as it reads.
     */
    public boolean rowGroupsMayBeSorted(List<BlockMetaData> rowGroups) {
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

    /** Unsigned, as Parquet orders strings and plain bytes. */
    private static int compareBytes(Binary a, Binary b) {
        return PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR.compare(a, b);
    }
}
