package dev.compactor.merge.fuzz;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.ColumnOrder.ColumnOrderName;
import org.apache.parquet.schema.PrimitiveType;

import java.util.List;

/**
 * Whether rows are in the order of a top-level primitive column: nulls first, then values in the order the
 * Parquet format defines for the column's type (signed or unsigned integers, decimals by value, strings and
 * binaries by unsigned bytes), which is the order its statistics and page indexes assume. Columns whose format
 * order is undefined (INT96, INTERVAL) are not checked.
 */
final class SortOrder {

    private SortOrder() {}

    /** The index of the first row that sorts before the row above it, or -1. */
    static int firstOutOfOrder(List<Group> rows, String column) {
        for (int i = 1; i < rows.size(); i++) {
            Group above = rows.get(i - 1);
            Group row = rows.get(i);
            if (!above.getType().containsField(column) || !row.getType().containsField(column)) {
                return -1; // a schema difference, reported as such
            }
            PrimitiveType type = row.getType().getType(column).asPrimitiveType();
            if (type.columnOrder().getColumnOrderName() != ColumnOrderName.TYPE_DEFINED_ORDER) {
                return -1;
            }
            if (compare(above, row, column, type) > 0) {
                return i;
            }
        }
        return -1;
    }

    private static int compare(Group a, Group b, String column, PrimitiveType type) {
        boolean aNull = a.getFieldRepetitionCount(column) == 0;
        boolean bNull = b.getFieldRepetitionCount(column) == 0;
        if (aNull || bNull) {
            return Boolean.compare(!aNull, !bNull);
        }
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> type.<Boolean>comparator().compare(a.getBoolean(column, 0), b.getBoolean(column, 0));
            case INT32 -> type.<Integer>comparator().compare(a.getInteger(column, 0), b.getInteger(column, 0));
            case INT64 -> type.<Long>comparator().compare(a.getLong(column, 0), b.getLong(column, 0));
            case FLOAT -> type.<Float>comparator().compare(a.getFloat(column, 0), b.getFloat(column, 0));
            case DOUBLE -> type.<Double>comparator().compare(a.getDouble(column, 0), b.getDouble(column, 0));
            case INT96, BINARY, FIXED_LEN_BYTE_ARRAY -> type.<Binary>comparator()
                    .compare(a.getBinary(column, 0), b.getBinary(column, 0));
        };
    }
}
