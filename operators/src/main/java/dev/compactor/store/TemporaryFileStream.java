package dev.compactor.store;

import org.apache.parquet.io.PositionOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Parquet output stream that writes to a local temporary file and, on its first close, hands the complete file to
 * {@link #publish} (rename it into place, upload it); the temporary file is gone afterwards either way.
 */
abstract class TemporaryFileStream extends PositionOutputStream {
    private static final int BUFFER = 1 << 16;

    private final Path tmp;
    private final OutputStream out;
    private long pos;
    private boolean closed;

    TemporaryFileStream(Path tmp, OutputStream file) {
        this.tmp = tmp;
        this.out = new BufferedOutputStream(file, BUFFER);
    }

    /** Makes the complete temporary file visible as the object; the buffered stream is already flushed. */
    protected abstract void publish(Path tmp, long size, OutputStream flushed) throws IOException;

    @Override
    public long getPos() {
        return pos;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        pos += len;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.flush();
            publish(tmp, pos, out);
        } finally {
            out.close();
            Files.deleteIfExists(tmp);
        }
    }
}
