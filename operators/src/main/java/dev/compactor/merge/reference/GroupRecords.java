package dev.compactor.merge.reference;

import dev.compactor.merge.read.ReadCodecs;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.util.Map;

/**
 * Rows as parquet-java's own record API reads and writes them: a file read into {@link Group}s in the file's
 * schema, and a group written into a record consumer of the output's schema. A group keeps every value in its
 * physical form (INT96 and fixed-length bytes too) and every level of nesting, so this path changes nothing; it is
 * the reference engine's, and where the fast engine cannot read a row group column by column.
 */
public final class GroupRecords {

    private GroupRecords() {}

    /** Reads a file's rows in its own schema, page CRCs verified. */
    static ParquetReader<Group> reader(InputFile file) throws IOException {
        return new ParquetReader.Builder<Group>(file, new PlainParquetConfiguration()) {
            @Override
            protected ReadSupport<Group> getReadSupport() {
                return new FileSchemaReadSupport();
            }
        }.usePageChecksumVerification(true).withCodecFactory(new ReadCodecs()).useStatsFilter(false).useDictionaryFilter(false)
                .useColumnIndexFilter(false).useBloomFilter(false).build();
    }

    /**
     * For each top-level field of {@code output}, the index of the same field in {@code input}, or -1 when the
     * input lacks it (it is written as null). Nested fields match by position: the window's schema only admits
     * inputs whose columns are the output's below the top level.
     */
    static int[] fieldsOf(GroupType input, GroupType output) {
        int[] fields = new int[output.getFieldCount()];
        for (int f = 0; f < fields.length; f++) {
            String name = output.getType(f).getName();
            fields[f] = input.containsField(name) ? input.getFieldIndex(name) : -1;
        }
        return fields;
    }

    /** Writes one row of an input, whose fields are mapped by {@link #fieldsOf}, as one output record. */
    public static void write(RecordConsumer out, MessageType schema, Group row, int[] fieldsOf) {
        out.startMessage();
        for (int f = 0; f < schema.getFieldCount(); f++) {
            if (fieldsOf[f] >= 0) {
                writeField(out, schema.getType(f), f, row, fieldsOf[f]);
            }
        }
        out.endMessage();
    }

    private static void writeField(RecordConsumer out, Type type, int index, Group row, int field) {
        int values = row.getFieldRepetitionCount(field);
        if (values == 0) {
            return;
        }
        out.startField(type.getName(), index);
        for (int v = 0; v < values; v++) {
            if (type.isPrimitive()) {
                writeValue(out, type.asPrimitiveType(), row, field, v);
            } else {
                GroupType group = type.asGroupType();
                Group child = row.getGroup(field, v);
                out.startGroup();
                for (int f = 0; f < group.getFieldCount(); f++) {
                    writeField(out, group.getType(f), f, child, f);
                }
                out.endGroup();
            }
        }
        out.endField(type.getName(), index);
    }

    /**
     * Hands a string or byte value over marked as reused: parquet-java's reader gives it as a view into the page it
     * was read from, and statistics (min, max) and dictionaries keep a value that is not marked reused as it is,
     * holding that page. A writer keeps every row group's statistics until its file is closed, so an external sort
     * merging runs kept a page of each run per row group written (161 MB of 1 MB pages sorting a 0.26 GB window
     * in a 256 MB heap, then an OutOfMemoryError); marked reused, what they keep is copied to its own bytes.
     */
    static void writeValue(RecordConsumer out, PrimitiveType type, Group row, int field, int index) {
        PrimitiveType.PrimitiveTypeName name = type.getPrimitiveTypeName();
        if (name == PrimitiveType.PrimitiveTypeName.BINARY
                || name == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
            Binary value = row.getBinary(field, index);
            out.addBinary(value.isBackingBytesReused() ? value : Binary.fromReusedByteBuffer(value.toByteBuffer()));
        } else {
            row.writeValue(field, index, out);
        }
    }

    /** Reads every column of the file, in the file's own schema. */
    private static final class FileSchemaReadSupport extends ReadSupport<Group> {
        @Override
        public ReadContext init(InitContext context) {
            return new ReadContext(context.getFileSchema());
        }

        @Override
        public RecordMaterializer<Group> prepareForRead(Configuration conf, Map<String, String> keyValues,
                                                        MessageType fileSchema, ReadContext context) {
            return new GroupRecordConverter(fileSchema);
        }

        @Override
        public RecordMaterializer<Group> prepareForRead(ParquetConfiguration conf, Map<String, String> keyValues,
                                                        MessageType fileSchema, ReadContext context) {
            return new GroupRecordConverter(fileSchema);
        }
    }
}
