package dev.compactor.conformance;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads Parquet files as parquet-java's example object model sees them: the footer's schema and every record,
 * with no Avro or other conversion in between.
 */
public final class ParquetJavaReadBack {

    private ParquetJavaReadBack() {}

    /** The file's schema as its footer states it. */
    public static MessageType schema(Path file) {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the footer of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every record of the files in order, one line each: {@code {a=1, b=0x00ff, c=[1, 2], d=null, e={x=1}}}.
     * Binary values of every kind (strings too) print as hex, so no decoding can hide a changed byte; repeated
     * fields print as lists, absent optional ones as null.
     */
    public static List<String> rows(Path... files) {
        List<String> out = new ArrayList<>();
        for (Path file : files) {
            MessageType schema = schema(file);
            for (Group g : records(file)) {
                out.add(render(g, schema));
            }
        }
        return out;
    }

    /**
     * The values of one top-level primitive column, in file order: the objects parquet-java's
     * {@link PrimitiveType#comparator()} takes (Integer, Long, Float, Double, Boolean, Binary), null where absent.
     */
    public static List<Object> values(String column, Path... files) {
        List<Object> out = new ArrayList<>();
        for (Path file : files) {
            MessageType schema = schema(file);
            int field = schema.getFieldIndex(column);
            PrimitiveType type = schema.getType(field).asPrimitiveType();
            for (Group g : records(file)) {
                out.add(g.getFieldRepetitionCount(field) == 0 ? null : primitive(g, field, 0, type));
            }
        }
        return out;
    }

    private static List<Group> records(Path file) {
        List<Group> out = new ArrayList<>();
        try (ParquetReader<Group> reader = new GroupReaderBuilder(file).build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                out.add(g);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String render(Group g, GroupType type) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type field = type.getType(i);
            b.append(i == 0 ? "" : ", ").append(field.getName()).append('=');
            int count = g.getFieldRepetitionCount(i);
            if (field.isRepetition(Type.Repetition.REPEATED)) {
                b.append('[');
                for (int j = 0; j < count; j++) {
                    b.append(j == 0 ? "" : ", ").append(value(g, i, j, field));
                }
                b.append(']');
            } else {
                b.append(count == 0 ? "null" : value(g, i, 0, field));
            }
        }
        return b.append('}').toString();
    }

    private static String value(Group g, int field, int index, Type type) {
        if (!type.isPrimitive()) {
            return render(g.getGroup(field, index), type.asGroupType());
        }
        Object v = primitive(g, field, index, type.asPrimitiveType());
        return v instanceof Binary bin ? "0x" + HexFormat.of().formatHex(bin.getBytes())
                : String.valueOf(v);
    }

    private static Object primitive(Group g, int field, int index, PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> g.getBoolean(field, index);
            case INT32 -> g.getInteger(field, index);
            case INT64 -> g.getLong(field, index);
            case FLOAT -> g.getFloat(field, index);
            case DOUBLE -> g.getDouble(field, index);
            case INT96 -> g.getInt96(field, index);
            case BINARY, FIXED_LEN_BYTE_ARRAY -> g.getBinary(field, index);
        };
    }

    /** A reader of {@link Group}s over a local file, with no Hadoop file system involved. */
    private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {
        GroupReaderBuilder(Path file) {
            super(new LocalInputFile(file), new PlainParquetConfiguration());
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }
}
