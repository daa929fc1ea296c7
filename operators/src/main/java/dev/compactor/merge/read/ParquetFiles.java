package dev.compactor.merge.read;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;

import java.io.IOException;

/**
 * The one place that opens parquet-java's file reader. Everything goes through {@link PlainParquetConfiguration},
 * because the Hadoop-configuration paths of parquet-java need a Hadoop installation we do not have (STACK.md §2).
 * Page CRCs are verified wherever the writer recorded one, V1 and V2 pages alike, so a corrupt page is refused
 * the same way whichever path reads it; codecs are {@link ReadCodecs}.
 */
public final class ParquetFiles {

    private ParquetFiles() {}

    static ParquetReadOptions readOptions() {
        return ParquetReadOptions.builder(new PlainParquetConfiguration()).usePageChecksumVerification(true)
                .withCodecFactory(new ReadCodecs()).build();
    }

    public static ParquetFileReader open(InputFile in) throws IOException {
        return ParquetFileReader.open(in, readOptions());
    }
}
