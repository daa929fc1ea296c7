package dev.compactor.merge.write;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.io.ByteArrayOutputStream;

/**
 * ZSTD page compression through one native context reused for every page of a merge. parquet-java's codec opens
 * a compression stream per page, and setting one up (its window and tables) costs more than compressing the
 * small pages a merge of small files produces. The frames are the same standard ZSTD any Parquet reader takes.
 *
 * <p>Not thread-safe: one per merge. The returned bytes are valid until the next call, which is how page
 * writers use a compressor (they copy the result before compressing the next page).
 */
final class ZstdPageCompressor implements BytesInputCompressor {

    private final ZstdCompressCtx context;
    private final Staging staging = new Staging();
    private byte[] output = new byte[0];

    ZstdPageCompressor(int level) {
        this.context = new ZstdCompressCtx().setLevel(level);
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
        // A page arrives in parts (levels, values): asking for it as one buffer allocates a page-sized array
        // per page, which in a 512 MB heap is a humongous object and a garbage-collection cycle every few pages.
        staging.reset();
        bytes.writeAllTo(staging);
        int length = staging.size();
        int bound = (int) Zstd.compressBound(length);
        if (output.length < bound) {
            output = new byte[Math.max(bound, output.length * 2)];
        }
        int written = context.compressByteArray(output, 0, output.length, staging.array(), 0, length);
        return BytesInput.from(output, 0, written);
    }

    /** A page's uncompressed bytes, gathered into one array that is kept from page to page. */
    private static final class Staging extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
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
