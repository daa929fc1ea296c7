package dev.compactor.merge.fuzz;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Every way two schemas differ, walked field by field in parallel, each said on its own: "field id dropped",
 * "int32 (DECIMAL(p,s)): annotation DECIMAL(p,s) -> none", "name list -> array". Said this way, one bug that drops
 * field ids reads as one difference whatever the columns' types, and a lost annotation reads the same whatever
 * column has it, so the report groups cases by bug.
 */
final class SchemaDiff {

    private SchemaDiff() {}

    /** Empty when the schemas are equal field by field. */
    static Set<String> all(Type expected, Type actual) {
        Set<String> out = new LinkedHashSet<>();
        collect(expected, actual, out);
        return out;
    }

    private static void collect(Type e, Type a, Set<String> out) {
        if (e.isPrimitive() != a.isPrimitive()) {
            out.add("kind " + shape(e) + " -> " + shape(a));
            return;
        }
        if (e.isPrimitive()) {
            PrimitiveType pe = e.asPrimitiveType();
            PrimitiveType pa = a.asPrimitiveType();
            if (pe.getPrimitiveTypeName() != pa.getPrimitiveTypeName() || pe.getTypeLength() != pa.getTypeLength()) {
                out.add(shape(e) + ": physical type " + physical(pe) + " -> " + physical(pa));
            }
        }
        if (e.getRepetition() != a.getRepetition()) {
            out.add(shape(e) + ": repetition " + e.getRepetition() + " -> " + a.getRepetition());
        }
        if (!Objects.equals(e.getLogicalTypeAnnotation(), a.getLogicalTypeAnnotation())) {
            out.add(shape(e) + ": annotation " + annotation(e) + " -> " + annotation(a));
        }
        if (!Objects.equals(e.getId(), a.getId())) {
            out.add(e.getId() == null ? "field id added" : a.getId() == null ? "field id dropped" : "field id changed");
        }
        if (!e.getName().equals(a.getName())) {
            out.add("name " + e.getName() + " -> " + a.getName());
        }
        if (!e.isPrimitive()) {
            GroupType ge = e.asGroupType();
            GroupType ga = a.asGroupType();
            if (ge.getFieldCount() != ga.getFieldCount()) {
                out.add(shape(e) + ": " + ge.getFieldCount() + " fields -> " + ga.getFieldCount());
                return;
            }
            for (int i = 0; i < ge.getFieldCount(); i++) {
                collect(ge.getType(i), ga.getType(i), out);
            }
        }
    }

    /** The field's kind as a bug report would name it: its physical type or group, and its annotation. */
    static String shape(Type t) {
        String kind = t.isPrimitive() ? physical(t.asPrimitiveType()) : "group";
        return t.getLogicalTypeAnnotation() == null ? kind : kind + " (" + annotation(t) + ")";
    }

    private static String physical(PrimitiveType p) {
        String name = p.getPrimitiveTypeName().name().toLowerCase();
        return p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
                ? name + "(" + p.getTypeLength() + ")" : name;
    }

    private static String annotation(Type t) {
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        return a == null ? "none" : a.toString();
    }
}
