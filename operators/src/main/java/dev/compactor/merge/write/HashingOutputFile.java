package dev.compactor.merge.write;

import dev.compactor.merge.MergeBudget;
import dev.compactor.store.WrappingOutputFile;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Passes a Parquet output through while hashing its bytes, so a part's SHA-256 and size are known when it is
 * closed without reading it back from the store.
 *
 * <p>The hashing runs on another thread: SHA-256 digests about 1.6 GB/s on a core, about the speed at which large
 * row groups are copied, so hashing on the writing thread took half the CPU of a merge that copies (ADR 0002). The
 * stream gathers what it is given into chunks (a megabyte with the default merge memory); a full chunk is written
 * by the writing thread while a hashing thread digests it, chunks in order.
 */
public final class HashingOutputFile extends WrappingOutputFile {

    /**
     * A chunk is written in slices of this size: the JDK copies what a file channel writes from the heap through a
     * direct buffer of the write's size, and slices that stay in a core's cache copy about twice as fast as a
     * megabyte does.
     */
    private static final int WRITE_BYTES = 64 << 10;

    /** Chunks a stream holds: the one being filled, and those still being hashed. */
    public static final int CHUNKS = 4;

    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "part-hashing");
        t.setDaemon(true);
        return t;
    });

    private final int chunkBytes;
    private final MessageDigest digest;
    private final Executor hashers;
    private long bytesWritten;

    /** @param chunkBytes size of the chunks writes are gathered into ({@link MergeBudget#hashChunkBytes()}) */
    HashingOutputFile(OutputFile target, int chunkBytes) {
        this(target, chunkBytes, HASHERS);
    }

    /** @param hashers where chunks are hashed, one after the other */
    HashingOutputFile(OutputFile target, int chunkBytes, Executor hashers) {
        super(target);
        if (chunkBytes <= 0 || hashers == null) {
            throw new IllegalArgumentException("hashing a part needs chunks of at least a byte and an executor, got "
                    + chunkBytes + " bytes and " + hashers);
        }
        this.chunkBytes = chunkBytes;
        this.hashers = hashers;
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
        private final byte[][] chunks = new byte[CHUNKS][];
        /** When each chunk, and every chunk handed over before it, has been hashed. */
        private final CompletableFuture<?>[] hashed = new CompletableFuture<?>[CHUNKS];
        private CompletableFuture<?> lastHashed = CompletableFuture.completedFuture(null);
        private int current;
        private int filled;
        private boolean closed;

        HashingStream(PositionOutputStream out) {
            this.out = out;
            chunks[0] = new byte[chunkBytes];
        }

        @Override
        public long getPos() throws IOException {
            return out.getPos() + filled;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == chunkBytes) {
                handOver();
            }
            chunks[current][filled++] = (byte) b;
            bytesWritten++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            bytesWritten += len;
            while (len > 0) {
                if (filled == chunkBytes) {
                    handOver();
                }
                int n = Math.min(len, chunkBytes - filled);
                System.arraycopy(b, off, chunks[current], filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            handOver();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                handOver();
                await(lastHashed);
            } finally {
                out.close();
            }
        }

        /** Writes the chunk being filled while it is hashed, and moves on to a chunk whose hashing is done. */
        private void handOver() throws IOException {
            if (filled == 0) {
                return;
            }
            byte[] chunk = chunks[current];
            int length = filled;
            lastHashed = lastHashed.thenRunAsync(() -> digest.update(chunk, 0, length), hashers);
            hashed[current] = lastHashed;
            for (int off = 0; off < length; off += WRITE_BYTES) {
                out.write(chunk, off, Math.min(WRITE_BYTES, length - off));
            }
            filled = 0;
            current = (current + 1) % CHUNKS;
            if (chunks[current] == null) {
                chunks[current] = new byte[chunkBytes];
            } else {
                await(hashed[current]);
            }
        }

        private void await(CompletableFuture<?> hashing) throws IOException {
            try {
                hashing.join();
            } catch (CompletionException e) {
                throw new IOException("hashing the part failed", e.getCause());
            }
        }
    }
}
