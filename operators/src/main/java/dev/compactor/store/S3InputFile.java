package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Parquet input over an S3 object with ranged GETs. Small objects are fetched whole by the first read. For larger
 * ones, a small read (a footer, a page header) fetches a read-ahead block around it, and a large read (a column
 * chunk) is one GET of exactly its range, straight into the caller's buffer: never one request per byte.
 */
final class S3InputFile implements InputFile {

    /** Objects up to this size are read with a single GET. */
    static final int WHOLE_OBJECT_MAX = 4 << 20;
    /** What a small read at an unbuffered position fetches. */
    static final int READ_AHEAD = 1 << 20;

    private final S3ObjectStore store;
    private final String key;
    private final long length;

    S3InputFile(S3ObjectStore store, String key, long length) {
        this.store = store;
        this.key = key;
        this.length = length;
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() {
        return new RangedStream(length <= WHOLE_OBJECT_MAX ? (int) length : READ_AHEAD);
    }

    @Override
    public String toString() {
        return store.settings().uri() + key;
    }

    private final class RangedStream extends SeekableInputStream {
        private final byte[] block;
        private long blockStart;
        private int blockLength;
        private long pos;

        RangedStream(int blockSize) {
            this.block = new byte[blockSize];
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void seek(long newPos) throws IOException {
            if (newPos < 0 || newPos > length) {
                throw new EOFException("cannot seek to " + newPos + " in " + S3InputFile.this + " of " + length + " bytes");
            }
            pos = newPos;
        }

        @Override
        public int read() throws IOException {
            if (pos >= length) {
                return -1;
            }
            if (!buffered(pos)) {
                fill(pos);
            }
            return block[(int) (pos++ - blockStart)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - pos);
            if (!buffered(pos)) {
                if (n >= block.length) {
                    store.readRange(key, pos, b, off, n);
                    pos += n;
                    return n;
                }
                fill(pos);
            }
            int available = (int) Math.min(n, blockStart + blockLength - pos);
            System.arraycopy(block, (int) (pos - blockStart), b, off, available);
            pos += available;
            return available;
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
            if (!buf.hasRemaining()) {
                return 0;
            }
            if (buf.hasArray()) {
                int n = read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
                if (n > 0) {
                    buf.position(buf.position() + n);
                }
                return n;
            }
            byte[] copy = new byte[(int) Math.min(buf.remaining(), Math.max(1, length - pos))];
            int n = read(copy, 0, copy.length);
            if (n > 0) {
                buf.put(copy, 0, n);
            }
            return n;
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int n = read(bytes, start + done, len - done);
                if (n < 0) {
                    throw new EOFException("reached the end of " + S3InputFile.this + " with " + (len - done)
                            + " bytes still to read");
                }
                done += n;
            }
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (read(buf) < 0) {
                    throw new EOFException("reached the end of " + S3InputFile.this + " with " + buf.remaining()
                            + " bytes still to read");
                }
            }
        }

        private boolean buffered(long position) {
            return position >= blockStart && position < blockStart + blockLength;
        }

        /**
         * Fetches the block holding {@code position}. A block never runs past the end of the object but is moved
         * back to end there, so reading the footer's length brings the footer itself along.
         */
        private void fill(long position) throws IOException {
            long start = Math.max(0, Math.min(position, length - block.length));
            int n = (int) Math.min(block.length, length - start);
            store.readRange(key, start, block, 0, n);
            blockStart = start;
            blockLength = n;
        }
    }
}
