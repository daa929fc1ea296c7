package dev.compactor.merge.fuzz;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema a merged window must have, worked out independently of the merge: the inputs' top-level columns in
 * order of first appearance, each exactly as its first input declares it, except that a column some input lacks
 * or declares optional is optional. Repeated columns stay repeated (an input without one has zero values).
 */
final class UnionSchema {

    private UnionSchema() {}

    static MessageType of(List<MessageType> inputs) {
        Map<String, Type> first = new LinkedHashMap<>();
        Map<String, Integer> presentIn = new LinkedHashMap<>();
        Map<String, Boolean> optionalSomewhere = new LinkedHashMap<>();
        for (MessageType input : inputs) {
            for (Type f : input.getFields()) {
                first.putIfAbsent(f.getName(), f);
                presentIn.merge(f.getName(), 1, Integer::sum);
                optionalSomewhere.merge(f.getName(), f.isRepetition(Repetition.OPTIONAL), Boolean::logicalOr);
            }
        }
        List<Type> columns = new ArrayList<>();
        for (Type f : first.values()) {
            boolean relax = !f.isRepetition(Repetition.REPEATED)
                    && (optionalSomewhere.get(f.getName()) || presentIn.get(f.getName()) < inputs.size());
            columns.add(relax ? optional(f) : f);
        }
        return new MessageType(inputs.get(0).getName(), columns);
    }

    /** The same type, field id and annotations, with optional repetition. */
    static Type optional(Type t) {
        Types.Builder<?, ? extends Type> b;
        if (t.isPrimitive()) {
            PrimitiveType p = t.asPrimitiveType();
            b = Types.primitive(p.getPrimitiveTypeName(), Repetition.OPTIONAL).length(p.getTypeLength())
                    .as(p.getLogicalTypeAnnotation()).columnOrder(p.columnOrder());
        } else {
            GroupType g = t.asGroupType();
            b = Types.buildGroup(Repetition.OPTIONAL).as(g.getLogicalTypeAnnotation()).addFields(
                    g.getFields().toArray(Type[]::new));
        }
        if (t.getId() != null) {
            b.id(t.getId().intValue());
        }
        return b.named(t.getName());
    }
}
