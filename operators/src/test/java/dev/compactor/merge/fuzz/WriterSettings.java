package dev.compactor.merge.fuzz;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.Random;

/**
 * How one input file is written. Sizes are tiny so that a file of a few hundred rows still has several row
 * groups, several pages per chunk, and dictionaries that overflow into plain pages midway.
 */
record WriterSettings(WriterVersion version, boolean dictionary, int dictionaryPageBytes, boolean byteStreamSplit,
                      int pageBytes, int pageRows, long rowGroupBytes, int rowsBetweenSizeChecks,
                      CompressionCodecName codec, boolean pageChecksums, boolean statistics) {

    private static final CompressionCodecName[] CODECS = {CompressionCodecName.UNCOMPRESSED,
            CompressionCodecName.SNAPPY, CompressionCodecName.GZIP, CompressionCodecName.ZSTD,
            CompressionCodecName.LZ4_RAW};

    static WriterSettings random(Random random) {
        return new WriterSettings(
                random.nextBoolean() ? WriterVersion.PARQUET_1_0 : WriterVersion.PARQUET_2_0,
                random.nextInt(4) != 0,
                pick(random, 64, 1024, ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE),
                random.nextInt(3) == 0,
                pick(random, 64, 512, 8192, ParquetWriter.DEFAULT_PAGE_SIZE),
                pick(random, 1, 3, 50, 20_000),
                pick(random, 1024, 16 << 10, ParquetWriter.DEFAULT_BLOCK_SIZE),
                pick(random, 1, 10, 100),
                CODECS[random.nextInt(CODECS.length)],
                random.nextBoolean(),
                random.nextInt(4) != 0);
    }

    ParquetWriter<Group> open(OutputFile out, MessageType schema) throws IOException {
        return ExampleParquetWriter.builder(out)
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withWriterVersion(version)
                .withDictionaryEncoding(dictionary)
                .withDictionaryPageSize(dictionaryPageBytes)
                .withByteStreamSplitEncoding(byteStreamSplit)
                .withPageSize(pageBytes)
                .withPageRowCountLimit(pageRows)
                .withRowGroupSize(rowGroupBytes)
                .withMinRowCountForPageSizeCheck(rowsBetweenSizeChecks)
                .withMaxRowCountForPageSizeCheck(rowsBetweenSizeChecks)
                .withCompressionCodec(codec)
                .withPageWriteChecksumEnabled(pageChecksums)
                .withStatisticsEnabled(statistics)
                .build();
    }

    private static int pick(Random random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
