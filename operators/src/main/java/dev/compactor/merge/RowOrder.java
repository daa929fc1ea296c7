package dev.compactor.merge;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.util.Comparator;
import java.util.stream.Collectors;

/** Orders rows by one top-level column, nulls first, by Avro's own ordering of the column's type. */
final class RowOrder implements Comparator<GenericRecord> {

    private final int position;
    private final Schema valueSchema;

    private RowOrder(int position, Schema valueSchema) {
        this.position = position;
        this.valueSchema = valueSchema;
    }

    static RowOrder by(Schema rowSchema, String column) {
        Schema.Field field = rowSchema.getField(column);
        if (field == null) {
            throw new IllegalArgumentException("sort column '" + column + "' is not a column of the window; columns are "
                    + rowSchema.getFields().stream().map(Schema.Field::name).collect(Collectors.joining(", ")));
        }
        return new RowOrder(field.pos(), WindowSchema.nonNull(field.schema()));
    }

    @Override
    public int compare(GenericRecord a, GenericRecord b) {
        Object x = a.get(position);
        Object y = b.get(position);
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        return GenericData.get().compare(x, y, valueSchema);
    }
}
