package dev.compactor.merge.plan;

import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The output schema of a window: its inputs' top-level columns, in order of first appearance, each exactly as its
 * first input wrote it (physical type, logical and legacy converted annotations, decimal scale and precision,
 * field ids, nested groups and their names). Readers see the inputs' own schema in the output.
 *
 * <p>Two differences between inputs are merged, because they do not change any value a reader sees: a column
 * some input lacks reads as null there, and a top-level column required in one input and optional in another.
 * Both make the column optional. Any other difference, at any depth, is a conflict: the input is rejected as a
 * whole, naming the column and both types, and does not shape the schema.
 *
 * <p>Key-value metadata (such as {@code ARROW:schema}, pandas' or Spark's) describes the schema that wrote it,
 * so an entry is kept only when every accepted input holds it with the same value.
 */
public final class WindowSchema {

    /** An input left out of the window, with the reason an operator reads. */
    public record Rejection(InputFooter input, String reason) {}

    private final MessageType schema;
    private final List<SchemaElement> elements;
    private final Map<String, String> keyValues;
    private final List<InputFooter> accepted;
    private final List<Rejection> rejected;

    private WindowSchema(MessageType schema, List<SchemaElement> elements, Map<String, String> keyValues,
                         List<InputFooter> accepted, List<Rejection> rejected) {
        this.schema = schema;
        this.elements = elements;
        this.keyValues = keyValues;
        this.accepted = accepted;
        this.rejected = rejected;
    }

    /** Null when nothing was accepted. */
    public MessageType schema() {
        return schema;
    }

    /** {@link #schema()} as the footer's schema elements, annotations exactly as the inputs wrote them. */
    public List<SchemaElement> elements() {
        return elements;
    }

    /** The key-value metadata every accepted input agrees on. */
    public Map<String, String> keyValues() {
        return keyValues;
    }

    public List<InputFooter> accepted() {
        return accepted;
    }

    public List<Rejection> rejected() {
        return rejected;
    }

    /** Inputs are taken in the given (file) order, so the first input with a column decides its type. */
    public static WindowSchema of(List<InputFooter> inputs) {
        Map<String, Column> columns = new LinkedHashMap<>();
        List<InputFooter> accepted = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (InputFooter input : inputs) {
            List<List<SchemaElement>> subtrees = topLevelSubtrees(input);
            String conflict = firstConflict(input, subtrees, columns);
            if (conflict != null) {
                rejected.add(new Rejection(input, conflict));
                continue;
            }
            MessageType here = input.parquetSchema();
            for (int f = 0; f < here.getFieldCount(); f++) {
                Type field = here.getType(f);
                Column c = columns.computeIfAbsent(field.getName(), n -> new Column(field, subtrees.get(here.getFieldIndex(n)), input.key()));
                c.optional |= !field.isRepetition(Type.Repetition.REQUIRED);
                c.presentIn++;
            }
            accepted.add(input);
        }
        if (accepted.isEmpty()) {
            return new WindowSchema(null, List.of(), Map.of(), List.of(), List.copyOf(rejected));
        }
        SchemaElement root = accepted.get(0).schemaElements().get(0).deepCopy();
        root.setNum_children(columns.size());
        List<SchemaElement> elements = new ArrayList<>(List.of(root));
        List<Type> fields = new ArrayList<>();
        for (Column c : columns.values()) {
            boolean widen = c.type.isRepetition(Type.Repetition.REQUIRED) && (c.optional || c.presentIn < accepted.size());
            fields.add(widen ? optional(c.type) : c.type);
            List<SchemaElement> subtree = c.subtree.stream().map(SchemaElement::deepCopy).toList();
            if (widen) {
                subtree.get(0).setRepetition_type(FieldRepetitionType.OPTIONAL);
            }
            elements.addAll(subtree);
        }
        MessageType schema = new MessageType(accepted.get(0).parquetSchema().getName(), fields);
        return new WindowSchema(schema, List.copyOf(elements), agreedKeyValues(accepted), List.copyOf(accepted),
                List.copyOf(rejected));
    }

    private static String firstConflict(InputFooter input, List<List<SchemaElement>> subtrees,
                                        Map<String, Column> columns) {
        MessageType here = input.parquetSchema();
        for (int f = 0; f < here.getFieldCount(); f++) {
            Column known = columns.get(here.getType(f).getName());
            if (known != null && !sameColumn(subtrees.get(f), known.subtree)) {
                return "column '" + known.type.getName() + "' is " + describe(here.getType(f), subtrees.get(f))
                        + " here but " + describe(known.type, known.subtree) + " in the window's schema (first seen in "
                        + known.firstKey + ")";
            }
        }
        return null;
    }

    /** Equal as written, except that required and optional at the top are the same column. */
    private static boolean sameColumn(List<SchemaElement> a, List<SchemaElement> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            SchemaElement x = a.get(i);
            SchemaElement y = b.get(i);
            if (i == 0 && x.getRepetition_type() != FieldRepetitionType.REPEATED
                    && y.getRepetition_type() != FieldRepetitionType.REPEATED) {
                x = x.deepCopy().setRepetition_type(FieldRepetitionType.OPTIONAL);
                y = y.deepCopy().setRepetition_type(FieldRepetitionType.OPTIONAL);
            }
            if (!x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /** The column's type as parquet-java prints it, and whether it carries only the legacy converted type. */
    private static String describe(Type type, List<SchemaElement> subtree) {
        String text = type.toString().replaceAll("\\s+", " ").trim();
        SchemaElement top = subtree.get(0);
        if (top.isSetConverted_type() && !top.isSetLogicalType()) {
            text += " (legacy converted type " + top.getConverted_type() + " only)";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** The footer's elements of each top-level column (the column's element and all below it), in field order. */
    static List<List<SchemaElement>> topLevelSubtrees(InputFooter input) {
        List<SchemaElement> all = input.schemaElements();
        int count = all.get(0).getNum_children();
        List<List<SchemaElement>> out = new ArrayList<>(count);
        int at = 1;
        for (int f = 0; f < count; f++) {
            int end = subtreeEnd(all, at);
            out.add(all.subList(at, end));
            at = end;
        }
        return out;
    }

    private static int subtreeEnd(List<SchemaElement> all, int at) {
        int end = at + 1;
        for (int child = 0; child < all.get(at).getNum_children(); child++) {
            end = subtreeEnd(all, end);
        }
        return end;
    }

    private static Map<String, String> agreedKeyValues(List<InputFooter> accepted) {
        Map<String, String> agreed = new TreeMap<>(accepted.get(0).keyValues());
        for (InputFooter in : accepted) {
            agreed.entrySet().removeIf(e -> !Objects.equals(in.keyValues().get(e.getKey()), e.getValue()));
        }
        return agreed;
    }

    /** The same column, optional: a required top-level column some input lacks or declares optional. */
    private static Type optional(Type type) {
        if (type.isPrimitive()) {
            PrimitiveType p = type.asPrimitiveType();
            Types.PrimitiveBuilder<PrimitiveType> b = Types.primitive(p.getPrimitiveTypeName(), Type.Repetition.OPTIONAL)
                    .as(p.getLogicalTypeAnnotation()).columnOrder(p.columnOrder());
            if (p.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                b.length(p.getTypeLength());
            }
            if (p.getId() != null) {
                b.id(p.getId().intValue());
            }
            return b.named(p.getName());
        }
        GroupType g = type.asGroupType();
        Types.GroupBuilder<GroupType> b = Types.buildGroup(Type.Repetition.OPTIONAL).as(g.getLogicalTypeAnnotation())
                .addFields(g.getFields().toArray(new Type[0]));
        if (g.getId() != null) {
            b.id(g.getId().intValue());
        }
        return b.named(g.getName());
    }

    /** One output column as the inputs seen so far describe it. */
    private static final class Column {
        final Type type;
        final List<SchemaElement> subtree;
        final String firstKey;
        boolean optional;
        int presentIn;

        Column(Type type, List<SchemaElement> subtree, String firstKey) {
            this.type = type;
            this.subtree = subtree;
            this.firstKey = firstKey;
        }
    }
}
