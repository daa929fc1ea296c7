package dev.compactor.merge.read;

import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.Type;

/**
 * A converter tree that accepts and drops every value. Parquet's column readers insist on one, but the merge
 * copies values straight from the readers and never asks them to convert anything.
 */
final class IgnoringConverter extends GroupConverter {

    private static final PrimitiveConverter IGNORE_VALUE = new PrimitiveConverter() {};

    private final Converter[] children;

    IgnoringConverter(GroupType type) {
        children = new Converter[type.getFieldCount()];
        for (int i = 0; i < children.length; i++) {
            Type field = type.getType(i);
            children[i] = field.isPrimitive() ? IGNORE_VALUE : new IgnoringConverter(field.asGroupType());
        }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
        return children[fieldIndex];
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
}
