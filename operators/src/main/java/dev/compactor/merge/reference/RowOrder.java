package dev.compactor.merge.reference;

import dev.compactor.merge.plan.InputFooter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * Orders rows by one top-level column, nulls first, then by the order Parquet defines for the column's type
 * ({@link PrimitiveType#comparator()}: signed or unsigned integers, decimals by value, strings by their bytes).
 */
public final class RowOrder implements Comparator<RowOrder.Row> {

    /**
     * A row read by {@link GroupRecords}, with its fields mapped to the window's, and the input it came from (null
     * for a row read back from a sort run) so that a failure to write it is the input's.
     */
    public record Row(Group group, int[] fields, InputFooter source) {}

    private final int position;
    private final PrimitiveType type;
    @SuppressWarnings("rawtypes")
    private final PrimitiveComparator comparator;

    private RowOrder(int position, PrimitiveType type) {
        this.position = position;
        this.type = type;
        this.comparator = type.comparator();
    }

    public static RowOrder by(MessageType schema, String column) {
        if (!schema.containsField(column)) {
            throw new IllegalArgumentException("sort column '" + column + "' is not a column of the window; columns are "
                    + schema.getFields().stream().map(Type::getName).collect(Collectors.joining(", ")));
        }
        Type field = schema.getType(column);
        if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
            throw new IllegalArgumentException("sort column '" + column + "' holds " + (field.isPrimitive()
                    ? "several values per row" : "nested values") + "; only a column of single values can order rows");
        }
        return new RowOrder(schema.getFieldIndex(column), field.asPrimitiveType());
    }

    @Override
    @SuppressWarnings("unchecked")
    public int compare(Row a, Row b) {
        Object x = valueOf(a);
        Object y = valueOf(b);
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        return comparator.compare(x, y);
    }

    private Object valueOf(Row row) {
        int field = row.fields()[position];
        if (field < 0 || row.group().getFieldRepetitionCount(field) == 0) {
            return null;
        }
        Group g = row.group();
        return switch (type.getPrimitiveTypeName()) {
            case INT32 -> g.getInteger(field, 0);
            case INT64 -> g.getLong(field, 0);
            case FLOAT -> g.getFloat(field, 0);
            case DOUBLE -> g.getDouble(field, 0);
            case BOOLEAN -> g.getBoolean(field, 0);
            case INT96 -> g.getInt96(field, 0);
            case BINARY, FIXED_LEN_BYTE_ARRAY -> g.getBinary(field, 0);
        };
    }
}
