package dev.compactor.merge;

import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * A SHA-256 of bytes written in order, computed on a background thread while the writer goes on. A part's hash
 * took a quarter of the merge thread's time where row groups are copied as bytes: the bytes are now copied into
 * blocks (about ten times faster than hashing them) and hashed block by block, in order, on another thread.
 * At most {@value #BLOCKS} blocks of {@value #BLOCK} bytes wait at once; the writer waits for room beyond that.
 *
 * <p>One writer thread calls {@link #update}; {@link #hex} waits for every block.
 */
final class BackgroundDigest {

    /** Below half a heap region even in small heaps, so a block is never a humongous object. */
    static final int BLOCK = 256 << 10;
    static final int BLOCKS = 16;

    private static final Executor HASHERS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "part-hasher");
        t.setDaemon(true);
        return t;
    });

    private final MessageDigest digest;
    private final Semaphore room = new Semaphore(BLOCKS);
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    /** Each block's hashing runs after the one before it. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private byte[] block;
    private int filled;

    BackgroundDigest() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    void update(byte[] bytes, int offset, int length) throws InterruptedIOException {
        while (length > 0) {
            if (block == null) {
                block = emptyBlock();
            }
            int n = Math.min(length, BLOCK - filled);
            System.arraycopy(bytes, offset, block, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == BLOCK) {
                handOver();
            }
        }
    }

    /** Hex SHA-256 of everything passed to {@link #update}, once it is all hashed; call once, at the end. */
    String hex() {
        if (filled > 0) {
            handOver();
        }
        tail.join();
        return HexFormat.of().formatHex(digest.digest());
    }

    private byte[] emptyBlock() throws InterruptedIOException {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to hash a part's bytes");
        }
        byte[] reused = free.poll();
        return reused != null ? reused : new byte[BLOCK];
    }

    private void handOver() {
        byte[] full = block;
        int length = filled;
        block = null;
        filled = 0;
        tail = tail.thenRunAsync(() -> {
            digest.update(full, 0, length);
            free.add(full);
            room.release();
        }, HASHERS);
    }
}
