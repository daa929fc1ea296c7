package dev.compactor.table;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * A window's Parquet schema as a Delta schema, and a table's schema with a window's columns added. Delta has no
 * implicit widening (int to long needs the typeWidening table feature, which Kernel 4.0 cannot write), so a column
 * whose type differs from the table's is refused with the column and both types. Every column of the table is
 * nullable: a later window may lack it, and Delta only lets nullable columns be added.
 */
final class DeltaSchemas {

    private DeltaSchemas() {}

    /** The Delta schema of a Parquet file's columns. */
    static StructType of(MessageType file, String fileKey) throws TableConflictException {
        return struct(file, file.getName(), fileKey);
    }

    /**
     * {@code table} with the columns {@code file} adds appended (recursively in structs), or a refusal naming the
     * first column whose type differs.
     */
    static StructType merge(StructType table, StructType file, String tableName, String fileKey)
            throws TableConflictException {
        return (StructType) merge(table, file, "", tableName, fileKey);
    }

    private static DataType merge(DataType table, DataType file, String path, String tableName, String fileKey)
            throws TableConflictException {
        if (table instanceof StructType t && file instanceof StructType f) {
            List<StructField> fields = new ArrayList<>(t.fields());
            for (StructField field : f.fields()) {
                int at = indexOf(fields, field.getName());
                String column = path.isEmpty() ? field.getName() : path + "." + field.getName();
                if (at < 0) {
                    fields.add(new StructField(field.getName(), field.getDataType(), true));
                } else {
                    StructField existing = fields.get(at);
                    DataType merged = merge(existing.getDataType(), field.getDataType(), column, tableName, fileKey);
                    fields.set(at, merged.equals(existing.getDataType()) ? existing
                            : new StructField(existing.getName(), merged, existing.isNullable(),
                            existing.getMetadata()));
                }
            }
            return new StructType(fields);
        }
        if (table instanceof ArrayType t && file instanceof ArrayType f) {
            DataType element = merge(t.getElementType(), f.getElementType(), path + ".element", tableName, fileKey);
            return element.equals(t.getElementType()) ? t : new ArrayType(element, t.containsNull());
        }
        if (table instanceof MapType t && file instanceof MapType f) {
            DataType key = merge(t.getKeyType(), f.getKeyType(), path + ".key", tableName, fileKey);
            DataType value = merge(t.getValueType(), f.getValueType(), path + ".value", tableName, fileKey);
            return key.equals(t.getKeyType()) && value.equals(t.getValueType()) ? t
                    : new MapType(key, value, t.isValueContainsNull());
        }
        if (table.equivalent(file)) {
            return table;
        }
        throw new TableConflictException("column '" + path + "' is " + table + " in table " + tableName + " but "
                + file + " in " + fileKey + "; a Delta table takes only the same type (no widening)");
    }

    /** Delta compares column names case-insensitively. */
    private static int indexOf(List<StructField> fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).getName().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static StructType struct(GroupType group, String path, String fileKey) throws TableConflictException {
        List<StructField> fields = new ArrayList<>();
        for (Type field : group.getFields()) {
            fields.add(new StructField(field.getName(), type(field, path + "." + field.getName(), fileKey), true));
        }
        return new StructType(fields);
    }

    private static DataType type(Type field, String path, String fileKey) throws TableConflictException {
        if (field.isRepetition(Type.Repetition.REPEATED)) {
            // a repeated field outside a LIST group (protobuf-style): a list of non-null elements
            return new ArrayType(element(field, path, fileKey), false);
        }
        if (field.isPrimitive()) {
            return primitive(field.asPrimitiveType(), path, fileKey);
        }
        GroupType group = field.asGroupType();
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && group.getFieldCount() == 1) {
            Type repeated = group.getType(0);
            // three levels (list.element), or the legacy two-level forms Avro and Thrift wrote
            boolean threeLevels = !repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
                    && !repeated.getName().equals("array") && !repeated.getName().endsWith("_tuple");
            Type element = threeLevels ? repeated.asGroupType().getType(0) : repeated;
            DataType elementType = threeLevels ? type(element, path + ".element", fileKey)
                    : element(element, path + ".element", fileKey);
            return new ArrayType(elementType, threeLevels && !element.isRepetition(Type.Repetition.REQUIRED));
        }
        if ((logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
                && group.getFieldCount() == 1 && !group.getType(0).isPrimitive()
                && group.getType(0).asGroupType().getFieldCount() == 2) {
            GroupType entry = group.getType(0).asGroupType();
            Type value = entry.getType(1);
            return new MapType(type(entry.getType(0), path + ".key", fileKey),
                    type(value, path + ".value", fileKey), !value.isRepetition(Type.Repetition.REQUIRED));
        }
        return struct(group, path, fileKey);
    }

    /** The type of a repeated field's elements. */
    private static DataType element(Type repeated, String path, String fileKey) throws TableConflictException {
        return repeated.isPrimitive() ? primitive(repeated.asPrimitiveType(), path, fileKey)
                : struct(repeated.asGroupType(), path, fileKey);
    }

    private static DataType primitive(PrimitiveType type, String path, String fileKey) throws TableConflictException {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            return new DecimalType(decimal.getPrecision(), decimal.getScale());
        }
        switch (type.getPrimitiveTypeName()) {
            case BOOLEAN:
                return BooleanType.BOOLEAN;
            case FLOAT:
                return FloatType.FLOAT;
            case DOUBLE:
                return DoubleType.DOUBLE;
            case INT96:
                return TimestampType.TIMESTAMP;
            case BINARY:
                return logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                        ? StringType.STRING : BinaryType.BINARY;
            case FIXED_LEN_BYTE_ARRAY:
                return BinaryType.BINARY;
            case INT32:
                if (logical == null) {
                    return IntegerType.INTEGER;
                }
                if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                    return DateType.DATE;
                }
                if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation ints && ints.isSigned()) {
                    return ints.getBitWidth() == 8 ? ByteType.BYTE
                            : ints.getBitWidth() == 16 ? ShortType.SHORT : IntegerType.INTEGER;
                }
                break;
            case INT64:
                if (logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation ints
                        && ints.isSigned()) {
                    return LongType.LONG;
                }
                if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                        && ts.getUnit() != LogicalTypeAnnotation.TimeUnit.NANOS) {
                    return ts.isAdjustedToUTC() ? TimestampType.TIMESTAMP : TimestampNTZType.TIMESTAMP_NTZ;
                }
                break;
            default:
                break;
        }
        throw new TableConflictException("column '" + path.substring(path.indexOf('.') + 1) + "' of " + fileKey
                + " is " + type + ", which has no Delta type");
    }
}
