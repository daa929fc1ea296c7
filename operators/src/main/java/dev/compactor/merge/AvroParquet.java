package dev.compactor.merge;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;

/**
 * The one place that configures parquet-avro's own readers and writers (the row-by-row paths: inputs whose Parquet
 * layout differs from the output's, and the external sort). Everything goes through {@link PlainParquetConfiguration}
 * and an explicit data model, because the Hadoop-configuration paths of parquet-java need a Hadoop installation we do
 * not have (see STACK.md §2).
 */
final class AvroParquet {

    /** parquet-avro reads every file into this Avro schema, filling absent fields with their defaults. */
    private static final String READ_SCHEMA_KEY = "parquet.avro.read.schema";

    private AvroParquet() {}

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

    static ParquetReader<GenericRecord> reader(InputFile in, Schema readSchema) throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set(READ_SCHEMA_KEY, readSchema.toString());
        return AvroParquetReader.<GenericRecord>builder(in, conf).withDataModel(GenericData.get()).build();
    }

    static ParquetFileReader footerReader(InputFile in) throws IOException {
        return ParquetFileReader.open(in, ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }
}
