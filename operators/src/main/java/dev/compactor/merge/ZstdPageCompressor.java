package dev.compactor.merge;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * ZSTD page compression through one native context reused for every page of a merge. parquet-java's codec opens
 * a compression stream per page, and setting one up (its window and tables) costs more than compressing the
 * small pages a merge of small files produces. The frames are the same standard ZSTD any Parquet reader takes.
 *
 * <p>Not thread-safe: one per merge. The returned bytes are valid until the next call, which is how page
 * writers use a compressor (they copy the result before compressing the next page).
 */
final class ZstdPageCompressor implements BytesInputCompressor {

    /** parquet-java's default level ({@code parquet.compression.codec.zstd.level}) and DuckDB's. */
    static final int LEVEL = 3;

    private final ZstdCompressCtx context = new ZstdCompressCtx().setLevel(LEVEL);
    private byte[] output = new byte[0];

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
        ByteBuffer in = bytes.toByteBuffer();
        byte[] array;
        int offset;
        if (in.hasArray()) {
            array = in.array();
            offset = in.arrayOffset() + in.position();
        } else {
            array = bytes.toByteArray();
            offset = 0;
        }
        int length = in.remaining();
        int bound = (int) Zstd.compressBound(length);
        if (output.length < bound) {
            output = new byte[Math.max(bound, output.length * 2)];
        }
        int written = context.compressByteArray(output, 0, output.length, array, offset, length);
        return BytesInput.from(output, 0, written);
    }

    @Override
    public CompressionCodecName getCodecName() {
        return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
        context.close();
    }
}
