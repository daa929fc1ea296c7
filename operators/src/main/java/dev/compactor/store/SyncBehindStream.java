package dev.compactor.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a file and has a background thread sync what was written every {@link #SYNC_EVERY} bytes, so the disk
 * writes the file back while it is still being produced and the final {@link #sync} waits only for the tail (as
 * RocksDB's {@code bytes_per_sync} does). Without it, a part of hundreds of megabytes sits dirty in the page cache
 * until its closing fsync, which then takes as long as the disk needs for all of it.
 */
final class SyncBehindStream extends OutputStream {

    private static final long SYNC_EVERY = 8L << 20;

    private static final Executor SYNCS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "local-store-sync-behind");
        t.setDaemon(true);
        return t;
    });

    /** A sync of the file's contents so far; fdatasync outside tests. */
    interface DataSync {
        void run() throws IOException;
    }

    private final FileChannel channel;
    private final long syncEvery;
    private final DataSync dataSync;
    private long unsynced;
    private Future<Void> inFlight = CompletableFuture.completedFuture(null);

    SyncBehindStream(FileChannel channel) {
        this(channel, SYNC_EVERY, () -> channel.force(false));
    }

    SyncBehindStream(FileChannel channel, long syncEvery, DataSync dataSync) {
        if (syncEvery <= 0) {
            throw new IllegalArgumentException("syncEvery must be positive, was " + syncEvery);
        }
        this.channel = channel;
        this.syncEvery = syncEvery;
        this.dataSync = dataSync;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        unsynced += len;
        if (unsynced >= syncEvery && inFlight.isDone()) {
            awaitInFlight(); // a failed background sync must fail the file: Linux reports a writeback error once
            unsynced = 0;
            inFlight = CompletableFuture.runAsync(this::syncData, SYNCS);
        }
    }

    /** Forces everything written to disk, contents and metadata, after any background sync has finished. */
    void sync() throws IOException {
        awaitInFlight();
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        try {
            awaitInFlight();
        } finally {
            channel.close();
        }
    }

    private void syncData() {
        try {
            dataSync.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitInFlight() throws IOException {
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a background sync");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause()
                    : e.getCause();
            inFlight = CompletableFuture.completedFuture(null);
            throw cause instanceof IOException io ? io : new IOException("background sync failed", cause);
        }
    }
}
