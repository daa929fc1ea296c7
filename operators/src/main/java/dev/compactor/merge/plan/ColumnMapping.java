package dev.compactor.merge.plan;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the leaf columns of one input line up with the leaf columns of the output, so its values can be copied
 * column by column without building rows. The only differences the window's schema allows are columns the input
 * lacks (written as nulls) and a top-level column the input declares required but the output optional (its
 * definition levels move up by one). Anything else, such as inputs written by another tool whose Parquet layout
 * of the same Avro type differs, has no mapping and is read through parquet-avro instead.
 */
public final class ColumnMapping {

    private final List<ColumnDescriptor> outputColumns;
    /** Per output column: the input's column, or null when the input lacks it. */
    private final ColumnDescriptor[] sources;
    private final int[] definitionShift;
    private final boolean identical;

    private ColumnMapping(List<ColumnDescriptor> outputColumns, ColumnDescriptor[] sources, int[] definitionShift,
                          boolean identical) {
        this.outputColumns = outputColumns;
        this.sources = sources;
        this.definitionShift = definitionShift;
        this.identical = identical;
    }

    /** Empty when some column cannot be copied value by value. */
    public static Optional<ColumnMapping> between(MessageType input, MessageType output) {
        List<ColumnDescriptor> outs = output.getColumns();
        ColumnDescriptor[] sources = new ColumnDescriptor[outs.size()];
        int[] shift = new int[outs.size()];
        int matched = 0;
        for (int c = 0; c < outs.size(); c++) {
            ColumnDescriptor out = outs.get(c);
            String[] path = out.getPath();
            if (!input.containsPath(path)) {
                continue;
            }
            ColumnDescriptor in = input.getColumnDescription(path);
            int s = topLevelBecameOptional(input.getType(path[0]), output.getType(path[0])) ? 1 : 0;
            if (!samePhysicalType(in.getPrimitiveType(), out.getPrimitiveType())
                    || in.getMaxRepetitionLevel() != out.getMaxRepetitionLevel()
                    || in.getMaxDefinitionLevel() + s != out.getMaxDefinitionLevel()) {
                return Optional.empty();
            }
            sources[c] = in;
            shift[c] = s;
            matched++;
        }
        if (matched != input.getColumns().size()) {
            return Optional.empty();
        }
        return Optional.of(new ColumnMapping(outs, sources, shift, input.equals(output)));
    }

    /** The identity mapping of a file written in the output schema itself, such as a sort run. */
    public static ColumnMapping identity(MessageType schema) {
        List<ColumnDescriptor> cols = schema.getColumns();
        return new ColumnMapping(cols, cols.toArray(new ColumnDescriptor[0]), new int[cols.size()], true);
    }

    /** True when the input's schema is exactly the output's, so its column chunks can be copied as bytes. */
    public boolean identical() {
        return identical;
    }

    public List<ColumnDescriptor> outputColumns() {
        return outputColumns;
    }

    public ColumnDescriptor source(int outputColumn) {
        return sources[outputColumn];
    }

    public int definitionShift(int outputColumn) {
        return definitionShift[outputColumn];
    }

    private static boolean topLevelBecameOptional(Type in, Type out) {
        return in.isRepetition(Type.Repetition.REQUIRED) && out.isRepetition(Type.Repetition.OPTIONAL);
    }

    private static boolean samePhysicalType(PrimitiveType a, PrimitiveType b) {
        return a.getPrimitiveTypeName() == b.getPrimitiveTypeName()
                && a.getTypeLength() == b.getTypeLength()
                && Objects.equals(a.getLogicalTypeAnnotation(), b.getLogicalTypeAnnotation());
    }
}
