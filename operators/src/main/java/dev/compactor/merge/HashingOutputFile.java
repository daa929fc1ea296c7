package dev.compactor.merge;

import dev.compactor.store.WrappingOutputFile;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a Parquet output through while hashing its bytes, so a part's SHA-256 and size are known when it is
 * closed without reading it back from the store.
 */
final class HashingOutputFile extends WrappingOutputFile {

    private final MessageDigest digest;
    private long bytesWritten;

    HashingOutputFile(OutputFile target) {
        super(target);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Hex SHA-256 of everything written; call once, after the stream is closed. */
    String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    long bytesWritten() {
        return bytesWritten;
    }

    @Override
    protected PositionOutputStream wrap(PositionOutputStream out) {
        return new HashingStream(out);
    }

    private final class HashingStream extends PositionOutputStream {
        private final PositionOutputStream out;

        HashingStream(PositionOutputStream out) {
            this.out = out;
        }

        @Override
        public long getPos() throws IOException {
            return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            bytesWritten++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            bytesWritten += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
