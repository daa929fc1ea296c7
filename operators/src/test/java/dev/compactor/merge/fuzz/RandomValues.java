package dev.compactor.merge.fuzz;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random rows of a schema as parquet-java example {@link Group}s. Each generator has its own taste, drawn once
 * per file: how often an optional value is null (never to always), how long repeated fields are (often empty),
 * how often a value is an edge case of its type (NaN, -0.0, min and max, empty strings), and how often a value
 * repeats one seen before, so that dictionaries fill up, fall back to plain pages, or are never worth writing.
 */
final class RandomValues {

    private static final double[] NULL_RATES = {0, 0.1, 0.5, 1};
    private static final double[] EDGE_RATES = {0, 0.05, 0.3};
    private static final double[] REPEAT_RATES = {0, 0.5, 0.95};
    private static final String[] ENUM_SYMBOLS = {"RED", "GREEN", "BLUE", "a", "B_2"};
    private static final String[] STRING_PIECES = {"a", "Z", "0", " ", "é", "日本", "😀", "\u0000", "\"", "\\", "ß", "x"};
    private static final String[] JSON_TEXTS = {"{}", "[]", "null", "0", "-1.5e3", "\"s\"", "{\"k\":[1,2,{\"n\":null}]}",
            "[true,false]", "{\"日\":\"😀\"}"};
    /** The Julian day of 1970-01-01, where INT96 timestamps count from. */
    private static final int UNIX_EPOCH_JULIAN_DAY = 2_440_588;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private final Random random;
    private final double nullRate;
    private final double edgeRate;
    private final double repeatRate;
    private final int maxRepeated;
    /** Values drawn so far for each leaf, to draw again for dictionary-friendly columns. */
    private final Map<PrimitiveType, List<Object>> seen = new IdentityHashMap<>();

    RandomValues(Random random) {
        this.random = random;
        this.nullRate = NULL_RATES[random.nextInt(NULL_RATES.length)];
        this.edgeRate = EDGE_RATES[random.nextInt(EDGE_RATES.length)];
        this.repeatRate = REPEAT_RATES[random.nextInt(REPEAT_RATES.length)];
        this.maxRepeated = 1 + random.nextInt(4);
    }

    Group row(MessageType schema) {
        Group row = new SimpleGroup(schema);
        fill(row, schema);
        return row;
    }

    private void fill(Group group, GroupType type) {
        boolean isMap = type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation;
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type field = type.getType(i);
            int count = switch (field.getRepetition()) {
                case REQUIRED -> 1;
                case OPTIONAL -> random.nextDouble() < nullRate ? 0 : 1;
                case REPEATED -> random.nextInt(3) == 0 ? 0 : random.nextInt(maxRepeated + 1);
            };
            for (int n = 0; n < count; n++) {
                if (field.isPrimitive()) {
                    add(group, i, field.asPrimitiveType(), value(field.asPrimitiveType()));
                } else if (isMap) {
                    addEntry(group, i, field.asGroupType(), keys);
                } else {
                    fill(group.addGroup(i), field.asGroupType());
                }
            }
        }
    }

    /** Map keys are unique within a map, as the spec requires and DuckDB enforces; a duplicate key is dropped. */
    private void addEntry(Group map, int index, GroupType entryType, Set<String> keys) {
        PrimitiveType keyType = entryType.getType("key").asPrimitiveType();
        Object key = value(keyType);
        if (!keys.add(key instanceof Binary b ? Arrays.toString(b.getBytes()) : String.valueOf(key))) {
            return;
        }
        Group entry = map.addGroup(index);
        for (int i = 0; i < entryType.getFieldCount(); i++) {
            Type field = entryType.getType(i);
            if (field == keyType) {
                add(entry, i, keyType, key);
            } else if (field.getRepetition() == Type.Repetition.REQUIRED || random.nextDouble() >= nullRate) {
                if (field.isPrimitive()) {
                    add(entry, i, field.asPrimitiveType(), value(field.asPrimitiveType()));
                } else {
                    fill(entry.addGroup(i), field.asGroupType());
                }
            }
        }
    }

    private static void add(Group group, int index, PrimitiveType type, Object value) {
        switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> group.add(index, (Boolean) value);
            case INT32 -> group.add(index, (Integer) value);
            case INT64 -> group.add(index, (Long) value);
            case FLOAT -> group.add(index, (Float) value);
            case DOUBLE -> group.add(index, (Double) value);
            case INT96, BINARY, FIXED_LEN_BYTE_ARRAY -> group.add(index, (Binary) value);
        }
    }

    private Object value(PrimitiveType type) {
        List<Object> pool = seen.computeIfAbsent(type, t -> new ArrayList<>());
        if (!pool.isEmpty() && random.nextDouble() < repeatRate) {
            return pool.get(random.nextInt(pool.size()));
        }
        Object v = fresh(type, random.nextDouble() < edgeRate);
        pool.add(v);
        return v;
    }

    private Object fresh(PrimitiveType type, boolean edge) {
        LogicalTypeAnnotation a = type.getLogicalTypeAnnotation();
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> random.nextBoolean();
            case INT32 -> int32(a, edge);
            case INT64 -> int64(a, edge);
            case FLOAT -> edge ? pick(Float.NaN, Float.intBitsToFloat(0xffc00001), -0.0f, 0.0f, Float.MIN_VALUE,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY)
                    : (float) (random.nextGaussian() * 1000);
            case DOUBLE -> edge ? pick(Double.NaN, Double.longBitsToDouble(0xfff8000000000001L), -0.0, 0.0,
                    Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY,
                    Double.POSITIVE_INFINITY) : random.nextGaussian() * 1e6;
            case INT96 -> int96(edge);
            case BINARY -> binary(a, edge);
            case FIXED_LEN_BYTE_ARRAY -> fixed(type, a, edge);
        };
    }

    private int int32(LogicalTypeAnnotation a, boolean edge) {
        if (a instanceof IntLogicalTypeAnnotation i && i.getBitWidth() < 32) {
            int span = 1 << i.getBitWidth();
            int min = i.isSigned() ? -span / 2 : 0;
            return edge ? pick(min, min + span - 1, 0) : min + random.nextInt(span);
        }
        if (a instanceof DecimalLogicalTypeAnnotation d) {
            return unscaled(d, edge).intValueExact();
        }
        if (a instanceof TimeLogicalTypeAnnotation) {
            return edge ? pick(0, 86_399_999) : random.nextInt(86_400_000);
        }
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation && !edge) {
            return random.nextInt(200_000) - 100_000;
        }
        return edge ? pick(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1) : smallOrAny32();
    }

    private long int64(LogicalTypeAnnotation a, boolean edge) {
        if (a instanceof DecimalLogicalTypeAnnotation d) {
            return unscaled(d, edge).longValueExact();
        }
        if (a instanceof TimeLogicalTypeAnnotation t) {
            long day = t.getUnit() == TimeUnit.MICROS ? 86_400_000_000L : NANOS_PER_DAY;
            return edge ? pick(0L, day - 1) : Math.floorMod(random.nextLong(), day);
        }
        if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t && !edge) {
            long perSecond = switch (t.getUnit()) {
                case MILLIS -> 1_000L;
                case MICROS -> 1_000_000L;
                case NANOS -> 1_000_000_000L;
            };
            // within 190 years of 1970, where every reader's timestamp types reach, nanoseconds included
            return (random.nextLong() % 6_000_000_000L) * perSecond + Math.floorMod(random.nextLong(), perSecond);
        }
        return edge ? pick(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L) : smallOrAny64();
    }

    private int smallOrAny32() {
        return random.nextBoolean() ? random.nextInt(100) - 50 : random.nextInt();
    }

    private long smallOrAny64() {
        return random.nextBoolean() ? random.nextInt(100) - 50 : random.nextLong();
    }

    /** An unscaled decimal within the precision, or at its ends. */
    private BigInteger unscaled(DecimalLogicalTypeAnnotation d, boolean edge) {
        BigInteger max = BigInteger.TEN.pow(d.getPrecision()).subtract(BigInteger.ONE);
        if (edge) {
            return pick(max, max.negate(), BigInteger.ZERO);
        }
        BigInteger v = new BigInteger(max.bitLength() + 8, random).mod(max.add(BigInteger.ONE));
        return random.nextBoolean() ? v : v.negate();
    }

    /** INT96 as Impala and Spark write it: nanoseconds of the day, then the Julian day, both little-endian. */
    private Binary int96(boolean edge) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        if (edge) {
            b.putLong(pick(0L, NANOS_PER_DAY - 1)).putInt(pick(UNIX_EPOCH_JULIAN_DAY, 0, 2_299_161));
        } else {
            b.putLong(Math.floorMod(random.nextLong(), NANOS_PER_DAY))
                    .putInt(UNIX_EPOCH_JULIAN_DAY + random.nextInt(100_000) - 50_000);
        }
        return Binary.fromConstantByteArray(b.array());
    }

    private Binary binary(LogicalTypeAnnotation a, boolean edge) {
        if (a instanceof DecimalLogicalTypeAnnotation d) {
            return Binary.fromConstantByteArray(unscaled(d, edge).toByteArray());
        }
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
            return Binary.fromString(edge ? pick("", " ", "\u0000", "😀".repeat(40)) : text());
        }
        if (a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
            return Binary.fromString(ENUM_SYMBOLS[random.nextInt(ENUM_SYMBOLS.length)]);
        }
        if (a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            return Binary.fromString(JSON_TEXTS[random.nextInt(JSON_TEXTS.length)]);
        }
        return Binary.fromConstantByteArray(bytes(edge ? pick(0, 300) : random.nextInt(12)));
    }

    private Binary fixed(PrimitiveType type, LogicalTypeAnnotation a, boolean edge) {
        int length = type.getTypeLength();
        if (a instanceof DecimalLogicalTypeAnnotation d) {
            byte[] minimal = unscaled(d, edge).toByteArray();
            byte[] out = new byte[length];
            // sign-extend the two's complement big-endian value to the full width
            byte pad = (byte) (minimal[0] < 0 ? 0xff : 0);
            Arrays.fill(out, 0, length - minimal.length, pad);
            System.arraycopy(minimal, 0, out, length - minimal.length, minimal.length);
            return Binary.fromConstantByteArray(out);
        }
        if (a instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation && edge) {
            // NaN, -0, +0, -inf, +inf, the largest finite value, the smallest subnormal (little-endian)
            short bits = pick((short) 0x7e00, (short) 0x8000, (short) 0, (short) 0xfc00, (short) 0x7c00,
                    (short) 0x7bff, (short) 0x0001);
            return Binary.fromConstantByteArray(new byte[] {(byte) bits, (byte) (bits >> 8)});
        }
        if (edge) {
            byte[] b = new byte[length];
            Arrays.fill(b, random.nextBoolean() ? (byte) 0 : (byte) 0xff);
            return Binary.fromConstantByteArray(b);
        }
        return Binary.fromConstantByteArray(bytes(length));
    }

    private String text() {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            s.append(STRING_PIECES[random.nextInt(STRING_PIECES.length)]);
        }
        return s.toString();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
