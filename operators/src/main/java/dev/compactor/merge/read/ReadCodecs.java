package dev.compactor.merge.read;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import io.airlift.compress.lz4.Lz4Decompressor;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * parquet-java's codecs for reading, with LZ4 read in both framings writers used. The Parquet spec's LZ4 (now
 * deprecated for LZ4_RAW) was written by parquet-mr with Hadoop's block framing and by older Arrow writers as one
 * bare LZ4 block; parquet-java reads only the first. Like Arrow's reader, a page is read as Hadoop frames when its
 * bytes are exactly a sequence of them, and as one bare block otherwise. BROTLI, which parquet-java reads only
 * through a Hadoop codec nobody publishes, is decoded by brotli4j where its native library loads (Linux x86-64 and
 * ARM64 are on the classpath); elsewhere BROTLI files are refused by name.
 */
public final class ReadCodecs extends CodecFactory {

    public ReadCodecs() {
        super(new PlainParquetConfiguration(), 0);
    }

    @Override
    protected BytesDecompressor createDecompressor(CompressionCodecName codec) {
        if (codec == CompressionCodecName.LZ4) {
            return new EitherFramingLz4();
        }
        if (codec == CompressionCodecName.BROTLI && Brotli4jLoader.isAvailable()) {
            return new BrotliPages();
        }
        return super.createDecompressor(codec);
    }

    private static final class BrotliPages extends BytesDecompressor {

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            return BytesInput.from(decompress(bytes.toByteArray(), uncompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            output.put(decompress(in, uncompressedSize));
        }

        @Override
        public void release() {
        }

        private static byte[] decompress(byte[] in, int uncompressedSize) throws IOException {
            DirectDecompress result = Decoder.decompress(in);
            if (result.getResultStatus() != DecoderJNI.Status.DONE) {
                throw new IOException("a BROTLI page does not decompress (" + result.getResultStatus() + ")");
            }
            byte[] out = result.getDecompressedData();
            if (out.length != uncompressedSize) {
                throw new IOException("a BROTLI page decompresses to " + out.length + " bytes, its header says "
                        + uncompressedSize);
            }
            return out;
        }
    }

    private static final class EitherFramingLz4 extends BytesDecompressor {

        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] out = new byte[uncompressedSize];
            decompress(in, out);
            return BytesInput.from(out);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
                throws IOException {
            byte[] in = new byte[compressedSize];
            input.duplicate().get(in);
            byte[] out = new byte[uncompressedSize];
            decompress(in, out);
            output.put(out);
        }

        @Override
        public void release() {
        }

        private static void decompress(byte[] in, byte[] out) throws IOException {
            if (hadoopFrames(in, out)) {
                return;
            }
            int written;
            try {
                written = new Lz4Decompressor().decompress(in, 0, in.length, out, 0, out.length);
            } catch (RuntimeException e) {
                throw new IOException("an LZ4 page is neither Hadoop-framed nor one LZ4 block", e);
            }
            if (written != out.length) {
                throw new IOException("an LZ4 page decompresses to " + written + " bytes, its header says "
                        + out.length);
            }
        }

        /** True when {@code in} is a sequence of Hadoop frames (sizes big-endian) filling {@code out} exactly. */
        private static boolean hadoopFrames(byte[] in, byte[] out) {
            ByteBuffer frames = ByteBuffer.wrap(in);
            int produced = 0;
            try {
                while (frames.remaining() >= 8) {
                    int rawSize = frames.getInt();
                    int compressedSize = frames.getInt();
                    if (compressedSize < 0 || compressedSize > frames.remaining() || rawSize < 0
                            || rawSize > out.length - produced) {
                        return false;
                    }
                    int n = new Lz4Decompressor().decompress(in, frames.position(), compressedSize, out, produced,
                            rawSize);
                    if (n != rawSize) {
                        return false;
                    }
                    produced += n;
                    frames.position(frames.position() + compressedSize);
                }
            } catch (RuntimeException e) {
                return false;
            }
            return !frames.hasRemaining() && produced == out.length;
        }
    }
}
