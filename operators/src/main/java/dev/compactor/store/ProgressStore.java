package dev.compactor.store;

import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store as one merge sees it: it counts the bytes the merge reads and writes and the calls the store answered,
 * so that a merge that is slow but moving is told apart from one whose store hangs, and it stops the merge once
 * cancelled: every call and every stream read or write after {@link #cancel()} throws, so the merge unwinds and
 * frees its thread instead of writing on for an attempt that was given up.
 */
public final class ProgressStore extends ForwardingObjectStore {

    private final AtomicLong bytesMoved = new AtomicLong();
    private final AtomicLong callsAnswered = new AtomicLong();
    private volatile boolean cancelled;

    public ProgressStore(ObjectStore delegate) {
        super(delegate);
    }

    /** Bytes read and written through this store so far. */
    public long bytesMoved() {
        return bytesMoved.get();
    }

    /**
     * Grows with every byte moved and every call the store answered (a merge checking many heads between reads is
     * no less alive); stands still only while the store does not answer or the merge does not call it.
     */
    public long progress() {
        return bytesMoved.get() + callsAnswered.get();
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    private void checkNotCancelled(String key) throws IOException {
        if (cancelled) {
            throw new InterruptedIOException("merge cancelled; refused access to " + key);
        }
    }

    private void moved(long bytes) {
        callsAnswered.incrementAndGet();
        if (bytes > 0) {
            bytesMoved.addAndGet(bytes);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        checkNotCancelled(prefix);
        List<ObjectInfo> objects = super.list(prefix);
        moved(0);
        return objects;
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        checkNotCancelled(key);
        Optional<ObjectInfo> info = super.head(key);
        moved(0);
        return info;
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        checkNotCancelled(key);
        return new WrappingInputFile(super.inputFile(key)) {
            @Override
            public SeekableInputStream newStream() throws IOException {
                checkNotCancelled(key); // before the source opens a stream that would be left unclosed
                return super.newStream();
            }

            @Override
            protected SeekableInputStream wrap(SeekableInputStream in) {
                return new CountingInputStream(key, in);
            }
        };
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        checkNotCancelled(key);
        return new WrappingOutputFile(super.outputFile(key)) {
            @Override
            protected PositionOutputStream wrap(PositionOutputStream out) {
                return new DelegatingPositionOutputStream(out) {
                    @Override
                    public long getPos() throws IOException {
                        return out.getPos();
                    }

                    @Override
                    public void write(int b) throws IOException {
                        checkNotCancelled(key);
                        super.write(b);
                        moved(1);
                    }

                    @Override
                    public void write(byte[] b) throws IOException {
                        write(b, 0, b.length);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        checkNotCancelled(key);
                        super.write(b, off, len);
                        moved(len);
                    }
                };
            }
        };
    }

    @Override
    public byte[] read(String key) throws IOException {
        checkNotCancelled(key);
        byte[] content = super.read(key);
        moved(content.length);
        return content;
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        checkNotCancelled(key);
        super.write(key, content);
        moved(content.length);
    }

    @Override
    public void move(String from, String to) throws IOException {
        checkNotCancelled(from);
        super.move(from, to);
        moved(0);
    }

    @Override
    public boolean delete(String key) throws IOException {
        checkNotCancelled(key);
        boolean deleted = super.delete(key);
        moved(0);
        return deleted;
    }

    @Override
    public boolean deleteVersion(String key, long size, String eTag) throws IOException {
        checkNotCancelled(key);
        boolean deleted = delegate().deleteVersion(key, size, eTag);
        moved(0);
        return deleted;
    }

    /** The store is shared by every merge of the operator and outlives this one. */
    @Override
    public void close() {}

    /** Counts what the merge reads; every read checks for cancellation first. */
    private final class CountingInputStream extends SeekableInputStream {
        private final String key;
        private final SeekableInputStream in;

        CountingInputStream(String key, SeekableInputStream in) {
            this.key = key;
            this.in = in;
        }

        @Override
        public long getPos() throws IOException {
            return in.getPos();
        }

        @Override
        public void seek(long newPos) throws IOException {
            checkNotCancelled(key);
            in.seek(newPos);
        }

        @Override
        public int read() throws IOException {
            checkNotCancelled(key);
            int b = in.read();
            moved(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkNotCancelled(key);
            int n = in.read(b, off, len);
            moved(n);
            return n;
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws IOException {
            checkNotCancelled(key);
            in.readFully(bytes, start, len);
            moved(len);
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
            checkNotCancelled(key);
            int n = in.read(buf);
            moved(n);
            return n;
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
            checkNotCancelled(key);
            int n = buf.remaining();
            in.readFully(buf);
            moved(n);
        }

        @Override
        public long skip(long n) throws IOException {
            checkNotCancelled(key);
            return in.skip(n);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
