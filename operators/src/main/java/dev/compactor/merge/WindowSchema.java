package dev.compactor.merge;

import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The output schema of a window: the union of its inputs' top-level columns, in order of first appearance.
 * A column that some input lacks, or that is nullable anywhere, becomes nullable with default null, so those
 * inputs read it as null. An input whose column has a different type than the first input with that column
 * is rejected as a whole and does not shape the schema.
 */
final class WindowSchema {

    /** An input left out of the window, with the reason an operator reads. */
    record Rejection(InputFooter input, String reason) {}

    private final Schema schema;
    private final List<InputFooter> accepted;
    private final List<Rejection> rejected;

    private WindowSchema(Schema schema, List<InputFooter> accepted, List<Rejection> rejected) {
        this.schema = schema;
        this.accepted = accepted;
        this.rejected = rejected;
    }

    /** Null when nothing was accepted. */
    Schema schema() {
        return schema;
    }

    List<InputFooter> accepted() {
        return accepted;
    }

    List<Rejection> rejected() {
        return rejected;
    }

    /** Inputs are taken in the given (file) order, so the first input with a column decides its type. */
    static WindowSchema of(List<InputFooter> inputs) {
        Map<String, Column> columns = new LinkedHashMap<>();
        List<InputFooter> accepted = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        Schema first = null;
        for (InputFooter input : inputs) {
            String conflict = firstConflict(input, columns);
            if (conflict != null) {
                rejected.add(new Rejection(input, conflict));
                continue;
            }
            for (Schema.Field f : input.schema().getFields()) {
                Column c = columns.computeIfAbsent(f.name(), n -> new Column(f, input.key()));
                c.nullable |= isNullable(f.schema());
                c.presentIn++;
            }
            accepted.add(input);
            first = first == null ? input.schema() : first;
        }
        if (first == null) {
            return new WindowSchema(null, List.of(), List.copyOf(rejected));
        }
        List<Schema.Field> fields = new ArrayList<>();
        for (Column c : columns.values()) {
            fields.add(c.toField(c.nullable || c.presentIn < accepted.size()));
        }
        Schema union = Schema.createRecord(first.getName(), first.getDoc(), first.getNamespace(), false, fields);
        return new WindowSchema(union, List.copyOf(accepted), List.copyOf(rejected));
    }

    private static String firstConflict(InputFooter input, Map<String, Column> columns) {
        for (Schema.Field f : input.schema().getFields()) {
            Column known = columns.get(f.name());
            Schema here = nonNull(f.schema());
            if (known != null && !sameType(here, known.type)) {
                return "column '" + f.name() + "' is " + describe(here) + " here but " + describe(known.type)
                        + " in the window's schema (first seen in " + known.firstKey + ")";
            }
        }
        return null;
    }

    private static boolean isNullable(Schema s) {
        return s.getType() == Schema.Type.NULL
                || s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
    }

    /** The schema without its null branch; a union of several other types stays a union. */
    static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        List<Schema> rest = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        return rest.size() == 1 ? rest.get(0) : Schema.createUnion(rest);
    }

    /**
     * Primitives match on type and logical type only: writers differ in incidental properties (such as
     * avro.java.string) that do not change the data. Named and nested types must match exactly.
     */
    private static boolean sameType(Schema a, Schema b) {
        if (a.getType() != b.getType()) {
            return false;
        }
        return switch (a.getType()) {
            case RECORD, ENUM, ARRAY, MAP, UNION -> a.equals(b);
            case FIXED -> a.getFixedSize() == b.getFixedSize() && Objects.equals(a.getLogicalType(), b.getLogicalType());
            default -> Objects.equals(a.getLogicalType(), b.getLogicalType());
        };
    }

    private static String describe(Schema s) {
        return switch (s.getType()) {
            case RECORD, ENUM, ARRAY, MAP, UNION -> s.toString();
            default -> s.getLogicalType() == null ? s.getName() : s.getName() + " (" + s.getLogicalType().getName() + ")";
        };
    }

    /** One output column as the inputs seen so far describe it. */
    private static final class Column {
        final Schema.Field declared;
        final Schema type;
        final String firstKey;
        boolean nullable;
        int presentIn;

        Column(Schema.Field declared, String firstKey) {
            this.declared = declared;
            this.type = nonNull(declared.schema());
            this.firstKey = firstKey;
        }

        Schema.Field toField(boolean asNullable) {
            if (!asNullable || type.getType() == Schema.Type.NULL) {
                Schema s = asNullable ? type : declared.schema();
                return new Schema.Field(declared.name(), s, declared.doc(), declared.defaultVal());
            }
            List<Schema> branches = new ArrayList<>();
            branches.add(Schema.create(Schema.Type.NULL));
            if (type.getType() == Schema.Type.UNION) {
                branches.addAll(type.getTypes());
            } else {
                branches.add(type);
            }
            return new Schema.Field(declared.name(), Schema.createUnion(branches), declared.doc(),
                    JsonProperties.NULL_VALUE);
        }
    }
}
