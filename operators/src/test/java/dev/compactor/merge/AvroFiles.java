package dev.compactor.merge;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.util.Comparator;

/**
 * parquet-avro as the tests' writer of source files and independent reader of outputs: the merge itself no longer
 * reads or writes Avro, so this is one of the "other writers" it must take files from.
 */
public final class AvroFiles {

    private AvroFiles() {}

    static ParquetWriter<GenericRecord> writer(OutputFile out, Schema schema, CompressionCodecName codec,
                                               long rowGroupBytes) throws IOException {
        return AvroParquetWriter.<GenericRecord>builder(out)
                .withSchema(schema)
                .withConf(new PlainParquetConfiguration())
                .withDataModel(GenericData.get())
                .withCompressionCodec(codec)
                .withRowGroupSize(rowGroupBytes)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    /** Reads every file into {@code readSchema}, filling absent fields with their defaults. */
    public static ParquetReader<GenericRecord> reader(InputFile in, Schema readSchema) throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.avro.read.schema", readSchema.toString());
        return AvroParquetReader.<GenericRecord>builder(in, conf).withDataModel(GenericData.get()).build();
    }

    /** Rows by one top-level column, nulls first, then Avro's order of the column's type. */
    public static Comparator<GenericRecord> orderBy(Schema rowSchema, String column) {
        Schema.Field field = rowSchema.getField(column);
        Schema value = field.schema();
        if (value.getType() == Schema.Type.UNION) {
            value = value.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        Schema valueSchema = value;
        int position = field.pos();
        return (a, b) -> {
            Object x = a.get(position);
            Object y = b.get(position);
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : -1) : 1;
            }
            return GenericData.get().compare(x, y, valueSchema);
        };
    }
}
