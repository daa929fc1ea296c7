package dev.compactor.merge.fuzz;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Parquet file as parquet-java's own record API reads it, with each row in a canonical text: one string per
 * column of a given (window) schema, matched by name, so that files with different column sets compare. Values
 * are spelled by physical type only, every binary as hex and every float with its bits when NaN, so the text is
 * exact; annotations are compared on the schema instead. The rows as parquet-java's {@link Group}s come along,
 * for checks that need typed values.
 */
record ParquetRows(MessageType schema, List<List<String>> rows, List<Group> groups) {

    private static final HexFormat HEX = HexFormat.of();

    static MessageType schemaOf(InputFile file) throws IOException {
        try (ParquetFileReader reader = open(file)) {
            return reader.getFileMetaData().getSchema();
        }
    }

    static ParquetRows read(InputFile file, GroupType columns) throws IOException {
        try (ParquetFileReader reader = open(file)) {
            MessageType schema = reader.getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            List<List<String>> rows = new ArrayList<>();
            List<Group> groups = new ArrayList<>();
            for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    Group row = records.read();
                    groups.add(row);
                    rows.add(columnsOf(row, columns));
                }
            }
            return new ParquetRows(schema, rows, groups);
        }
    }

    private static ParquetFileReader open(InputFile file) throws IOException {
        return ParquetFileReader.open(file, ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }

    private static List<String> columnsOf(Group row, GroupType columns) {
        GroupType own = row.getType();
        List<String> out = new ArrayList<>(columns.getFieldCount());
        for (Type c : columns.getFields()) {
            out.add(own.containsField(c.getName()) ? field(row, own.getFieldIndex(c.getName())) : "null");
        }
        return out;
    }

    /** A repeated field as a list, an optional one as its value or null, a required one as its value. */
    private static String field(Group g, int index) {
        Type t = g.getType().getType(index);
        int n = g.getFieldRepetitionCount(index);
        if (t.isRepetition(Type.Repetition.REPEATED)) {
            List<String> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(value(g, index, i, t));
            }
            return values.toString();
        }
        return n == 0 ? "null" : value(g, index, 0, t);
    }

    private static String value(Group g, int field, int i, Type t) {
        if (!t.isPrimitive()) {
            Group child = g.getGroup(field, i);
            StringBuilder s = new StringBuilder("{");
            for (int f = 0; f < child.getType().getFieldCount(); f++) {
                s.append(f == 0 ? "" : ", ").append(child.getType().getFieldName(f)).append(": ").append(field(child, f));
            }
            return s.append('}').toString();
        }
        return switch (t.asPrimitiveType().getPrimitiveTypeName()) {
            case BOOLEAN -> Boolean.toString(g.getBoolean(field, i));
            case INT32 -> Integer.toString(g.getInteger(field, i));
            case INT64 -> Long.toString(g.getLong(field, i));
            case FLOAT -> {
                float v = g.getFloat(field, i);
                yield Float.isNaN(v) ? "NaN(" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")" : Float.toString(v);
            }
            case DOUBLE -> {
                double v = g.getDouble(field, i);
                yield Double.isNaN(v) ? "NaN(" + Long.toHexString(Double.doubleToRawLongBits(v)) + ")" : Double.toString(v);
            }
            case INT96 -> "0x" + HEX.formatHex(g.getInt96(field, i).getBytes());
            case BINARY, FIXED_LEN_BYTE_ARRAY -> "0x" + HEX.formatHex(g.getBinary(field, i).getBytes());
        };
    }
}
