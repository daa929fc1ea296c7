package dev.compactor.table;

import org.apache.iceberg.Schema;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A window's Parquet schema against its table's: what may join (same types, a widening either way, new columns)
 * and what is refused with the column and both types. Iceberg's own union would refuse a conflict too, but with a
 * message that names neither the table nor the window.
 */
final class IcebergSchemas {

    private IcebergSchemas() {}

    /** The Iceberg schema of a Parquet file; columns without field ids get provisional ones, as add_files does. */
    static Schema of(MessageType file) {
        return ParquetSchemaUtil.convert(file);
    }

    /**
     * Checks {@code file} against {@code table}: a column whose type differs beyond a widening, or a Parquet field
     * id that disagrees with the table's (a file with ids is read by its ids, not by the name mapping).
     */
    static void requireCompatible(Schema table, MessageType file, String tableName, String fileKey)
            throws TableConflictException {
        for (org.apache.parquet.schema.Type column : file.getFields()) {
            Types.NestedField tableColumn = table.findField(column.getName());
            if (column.getId() != null && tableColumn != null && column.getId().intValue() != tableColumn.fieldId()) {
                throw new TableConflictException("column '" + column.getName() + "' of " + fileKey
                        + " carries Parquet field id " + column.getId() + " but has id " + tableColumn.fieldId()
                        + " in table " + tableName + "; a file with field ids is read by them, so it can only join a "
                        + "table whose ids agree");
            }
        }
        Schema fileSchema = of(file);
        Map<String, Integer> names = new TreeMap<>(TypeUtil.indexByName(fileSchema.asStruct()));
        for (Map.Entry<String, Integer> name : names.entrySet()) {
            Types.NestedField tableColumn = table.findField(name.getKey());
            Type fileType = fileSchema.findType(name.getValue());
            if (tableColumn != null && !compatible(tableColumn.type(), fileType)) {
                throw new TableConflictException("column '" + name.getKey() + "' is " + tableColumn.type()
                        + " in table " + tableName + " but " + fileType + " in " + fileKey
                        + "; only a widening (int to long, float to double, a larger decimal) can join a table");
            }
        }
    }

    /** {@code update} with {@code file}'s columns unioned in; a conflict Iceberg finds is refused like ours. */
    static UpdateSchema unionWith(UpdateSchema update, MessageType file, String tableName)
            throws TableConflictException {
        return refusing(() -> update.unionByNameWith(of(file)), tableName);
    }

    private static <T> T refusing(Supplier<T> change, String tableName) throws TableConflictException {
        try {
            return change.get();
        } catch (IllegalArgumentException | ValidationException e) {
            throw new TableConflictException("schema of table " + tableName + " cannot take the window's columns: "
                    + e.getMessage());
        }
    }

    private static boolean compatible(Type table, Type file) {
        if (table.isPrimitiveType() && file.isPrimitiveType()) {
            return table.equals(file) || TypeUtil.isPromotionAllowed(table, file.asPrimitiveType())
                    || TypeUtil.isPromotionAllowed(file, table.asPrimitiveType());
        }
        // nested types: the kinds must match; their fields are compared by their own names
        return table.typeId() == file.typeId();
    }
}
