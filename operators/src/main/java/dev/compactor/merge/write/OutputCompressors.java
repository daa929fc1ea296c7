package dev.compactor.merge.write;

import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.util.ArrayList;
import java.util.List;

/** The compressors of one merge's output pages, one for each thread that compresses, released together. */
public final class OutputCompressors implements AutoCloseable {

    private final CompressionCodecName codec;
    private final int zstdLevel;
    private final List<ZstdPageCompressor> zstd = new ArrayList<>();
    private final List<CodecFactory> factories = new ArrayList<>();

    /** @param zstdLevel the level ZSTD compresses at; other codecs take parquet-java's defaults */
    public OutputCompressors(CompressionCodecName codec, int zstdLevel) {
        this.codec = codec;
        this.zstdLevel = zstdLevel;
    }

    /** A compressor for one thread's use. */
    public BytesInputCompressor newCompressor() {
        if (codec == CompressionCodecName.ZSTD) {
            ZstdPageCompressor compressor = new ZstdPageCompressor(zstdLevel);
            zstd.add(compressor);
            return compressor;
        }
        // parquet-java's factory keeps one compressor per codec: another thread needs a factory of its own
        CodecFactory factory = new CodecFactory(new PlainParquetConfiguration(), ParquetWriter.DEFAULT_PAGE_SIZE);
        factories.add(factory);
        return factory.getCompressor(codec);
    }

    @Override
    public void close() {
        zstd.forEach(ZstdPageCompressor::release);
        factories.forEach(CodecFactory::release);
    }
}
