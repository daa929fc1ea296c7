package dev.compactor.merge.fuzz;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random Parquet schemas: every physical type with every logical annotation parquet-java writes, field ids,
 * structs, standard and legacy lists, maps (also with the legacy MAP_KEY_VALUE entries), and bare repeated fields,
 * nested up to {@link #MAX_DEPTH} containers deep.
 *
 * <p>parquet-java models a legacy converted type (TIMESTAMP_MILLIS, INT_64, UTF8, ...) as the logical type it
 * stands for, so a schema cannot say "converted type only"; {@link LegacyFooter} makes files spelled that way.
 *
 * <p>Names are {@code c<n>} for top-level columns and {@code f<n>} below, so that a failure's signature can blank
 * them out and group cases by type alone.
 */
final class RandomSchema {

    private static final String MESSAGE_NAME = "fuzz";
    private static final int MAX_DEPTH = 3;
    private static final TimeUnit[] UNITS = TimeUnit.values();

    private final Random random;
    private int fields;

    private RandomSchema(Random random) {
        this.random = random;
    }

    static MessageType generate(Random random) {
        return new RandomSchema(random).message();
    }

    /** A fixed-length byte array of {@code bytes} holds decimals of at most this many digits. */
    private static int maxDecimalDigits(int bytes) {
        return (int) Math.floor(Math.log10(Math.pow(2, 8 * bytes - 1) - 1));
    }

    private MessageType message() {
        int columns = 1 + random.nextInt(6);
        List<Type> top = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            Repetition r = random.nextInt(10) == 0 ? Repetition.REPEATED
                    : random.nextBoolean() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            top.add(field(1, r, "c" + i));
        }
        return new MessageType(MESSAGE_NAME, top);
    }

    private Type field(int depth, Repetition repetition, String name) {
        if (depth <= MAX_DEPTH && random.nextInt(10) < 3) {
            // the spec allows a LIST or MAP group only optional or required; repetition is inside it
            Repetition outer = repetition == Repetition.REPEATED ? Repetition.OPTIONAL : repetition;
            return switch (random.nextInt(4)) {
                case 0 -> struct(depth, repetition, name);
                case 1 -> standardList(depth, outer, name);
                case 2 -> legacyList(depth, outer, name);
                default -> map(depth, outer, name);
            };
        }
        return withId(primitive(repetition), name);
    }

    private Type struct(int depth, Repetition repetition, String name) {
        Types.GroupBuilder<GroupType> g = Types.buildGroup(repetition);
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            g.addField(field(depth + 1, anyRepetition(), childName()));
        }
        return withId(g, name);
    }

    /** {@code <r> group name (LIST) { repeated group list { <r> element; } }}, the layout the spec prescribes. */
    private Type standardList(int depth, Repetition repetition, String name) {
        Type element = field(depth + 1, random.nextBoolean() ? Repetition.OPTIONAL : Repetition.REQUIRED, "element");
        GroupType list = Types.repeatedGroup().addField(element).named("list");
        return withId(Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType()).addField(list), name);
    }

    /**
     * The two-level lists older writers produce: a repeated primitive, or a repeated group of one or more fields
     * that is itself the element (named {@code array} by parquet-avro, {@code <name>_tuple} by Thrift).
     */
    private Type legacyList(int depth, Repetition repetition, String name) {
        Type repeated;
        if (random.nextBoolean()) {
            repeated = withId(primitive(Repetition.REPEATED), random.nextBoolean() ? "array" : "element");
        } else {
            Types.GroupBuilder<GroupType> g = Types.buildGroup(Repetition.REPEATED);
            int n = 1 + random.nextInt(2);
            for (int i = 0; i < n; i++) {
                g.addField(field(depth + 1, random.nextBoolean() ? Repetition.OPTIONAL : Repetition.REQUIRED,
                        childName()));
            }
            repeated = g.named(random.nextBoolean() ? "array" : name + "_tuple");
        }
        return withId(Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType()).addField(repeated), name);
    }

    /** A map with required primitive keys; sometimes with the legacy MAP_KEY_VALUE annotation on its entries. */
    private Type map(int depth, Repetition repetition, String name) {
        Type key = primitive(Repetition.REQUIRED).named("key");
        while (isFloatingPoint(key)) {
            key = primitive(Repetition.REQUIRED).named("key");
        }
        Type value = field(depth + 1, random.nextBoolean() ? Repetition.OPTIONAL : Repetition.REQUIRED, "value");
        Types.GroupBuilder<GroupType> entries = Types.buildGroup(Repetition.REPEATED);
        if (random.nextInt(4) == 0) {
            entries.as(LogicalTypeAnnotation.MapKeyValueTypeAnnotation.getInstance());
        }
        GroupType kv = entries.addField(key).addField(value).named("key_value");
        return withId(Types.buildGroup(repetition).as(LogicalTypeAnnotation.mapType()).addField(kv), name);
    }

    /** Keys that are NaN or -0.0 make "the same key" ambiguous; readers disagree about them, so maps avoid them. */
    private static boolean isFloatingPoint(Type t) {
        PrimitiveTypeName p = t.asPrimitiveType().getPrimitiveTypeName();
        return p == PrimitiveTypeName.FLOAT || p == PrimitiveTypeName.DOUBLE
                || t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation;
    }

    private Types.PrimitiveBuilder<PrimitiveType> primitive(Repetition r) {
        return switch (random.nextInt(20)) {
            case 0 -> Types.primitive(PrimitiveTypeName.BOOLEAN, r);
            case 1 -> Types.primitive(PrimitiveTypeName.INT32, r);
            case 2 -> Types.primitive(PrimitiveTypeName.INT64, r);
            case 3 -> Types.primitive(PrimitiveTypeName.INT96, r);
            case 4 -> Types.primitive(PrimitiveTypeName.FLOAT, r);
            case 5 -> Types.primitive(PrimitiveTypeName.DOUBLE, r);
            case 6 -> Types.primitive(PrimitiveTypeName.BINARY, r);
            case 7 -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, r).length(1 + random.nextInt(20));
            case 8 -> Types.primitive(PrimitiveTypeName.BINARY, r).as(LogicalTypeAnnotation.stringType());
            case 9 -> Types.primitive(PrimitiveTypeName.BINARY, r).as(LogicalTypeAnnotation.enumType());
            case 10 -> Types.primitive(PrimitiveTypeName.BINARY, r).as(LogicalTypeAnnotation.jsonType());
            case 11 -> Types.primitive(PrimitiveTypeName.BINARY, r).as(LogicalTypeAnnotation.bsonType());
            case 12 -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, r).length(16)
                    .as(LogicalTypeAnnotation.uuidType());
            case 13 -> decimal(r);
            case 14 -> Types.primitive(PrimitiveTypeName.INT32, r).as(LogicalTypeAnnotation.dateType());
            case 15 -> time(r);
            case 16 -> timestamp(r);
            case 17 -> integer(r);
            case 18 -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, r).length(12)
                    .as(LogicalTypeAnnotation.intervalType());
            default -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, r).length(2)
                    .as(LogicalTypeAnnotation.float16Type());
        };
    }

    private Types.PrimitiveBuilder<PrimitiveType> decimal(Repetition r) {
        return switch (random.nextInt(4)) {
            case 0 -> decimalOf(Types.primitive(PrimitiveTypeName.INT32, r), 9);
            case 1 -> decimalOf(Types.primitive(PrimitiveTypeName.INT64, r), 18);
            case 2 -> {
                int bytes = 1 + random.nextInt(16);
                yield decimalOf(Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, r).length(bytes),
                        Math.min(38, maxDecimalDigits(bytes)));
            }
            default -> decimalOf(Types.primitive(PrimitiveTypeName.BINARY, r), 38);
        };
    }

    private Types.PrimitiveBuilder<PrimitiveType> decimalOf(Types.PrimitiveBuilder<PrimitiveType> b, int maxPrecision) {
        int precision = 1 + random.nextInt(maxPrecision);
        return b.as(LogicalTypeAnnotation.decimalType(random.nextInt(precision + 1), precision));
    }

    private Types.PrimitiveBuilder<PrimitiveType> time(Repetition r) {
        TimeUnit unit = UNITS[random.nextInt(UNITS.length)];
        PrimitiveTypeName p = unit == TimeUnit.MILLIS ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64;
        return Types.primitive(p, r).as(LogicalTypeAnnotation.timeType(random.nextBoolean(), unit));
    }

    private Types.PrimitiveBuilder<PrimitiveType> timestamp(Repetition r) {
        TimeUnit unit = UNITS[random.nextInt(UNITS.length)];
        return Types.primitive(PrimitiveTypeName.INT64, r)
                .as(LogicalTypeAnnotation.timestampType(random.nextBoolean(), unit));
    }

    private Types.PrimitiveBuilder<PrimitiveType> integer(Repetition r) {
        int bits = 8 << random.nextInt(4);
        PrimitiveTypeName p = bits == 64 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.INT32;
        return Types.primitive(p, r).as(LogicalTypeAnnotation.intType(bits, random.nextBoolean()));
    }

    private Repetition anyRepetition() {
        int k = random.nextInt(5);
        return k == 0 ? Repetition.REPEATED : k < 3 ? Repetition.OPTIONAL : Repetition.REQUIRED;
    }

    private String childName() {
        return "f" + fields++;
    }

    /** About a third of the fields carry a field id, as Iceberg and Spark writers set them. */
    private <T extends Type> T withId(Types.Builder<?, T> b, String name) {
        if (random.nextInt(3) == 0) {
            b.id(random.nextInt(1000));
        }
        return b.named(name);
    }
}
