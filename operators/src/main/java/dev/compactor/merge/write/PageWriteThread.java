package dev.compactor.merge.write;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Writes a merge's output pages on a thread of its own. Compressing a page, with the checksum and the copy
 * parquet-java's page writer makes of it, is up to half of what a merge costs, and none of it touches what the
 * merge does next: the merge thread copies each finished page, hands it over and goes on with the next one, so
 * on two cores the codec's time overlaps the merge's instead of adding to it.
 *
 * <p>When compressing is the slower half, the queue fills. Whenever the merge thread waits on this thread (for
 * room in the queue, for a column's size, at the end of a row group), it compresses the pages still waiting, newest
 * first and with a compressor of its own, while this thread takes them oldest first: both threads compress and
 * neither idles. The bytes
 * are the same whichever thread compressed a page: each page is compressed on its own.
 *
 * <p>Pages are written one at a time in the order they were handed over: each column chunk keeps its page
 * order. At most {@code maxQueuedBytes} of pages (uncompressed) wait at once, always at least one page, their
 * buffers reused from page to page while the buffers kept for reuse stay within {@code maxQueuedBytes} too: a
 * buffer grows to the largest page it ever held, so a pool without that bound ended up holding as many buffers
 * as the most pages ever queued at once (many small ones) each the size of the largest (60 MB against a 16 MB
 * queue in a merge of DuckDB files). After a write failed, every later hand-over and {@link #awaitWritten()}
 * throw it.
 */
public final class PageWriteThread implements AutoCloseable {

    /** Something a page writer does with a page that was handed over. */
    private interface PageWrite {
        void run() throws IOException;
    }

    /** A page writer's write of one data page. */
    private interface DataPageWrite {
        void run(BytesInput page) throws IOException;
    }

    /**
     * Pages counted at their uncompressed size in a writer's size, which then needs not wait for them. With two, the
     * merge thread of a merge of small files waited for the page-write thread after most input row groups, while
     * the prefetch thread had nothing to do: a core stood idle about an eighth of the time.
     */
    private static final int PAGES_COUNTED_UNCOMPRESSED = 8;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "merge-page-writer");
        t.setDaemon(true);
        return t;
    });
    private final long maxQueuedBytes;
    /** Merge thread only. */
    private final BytesInputCompressor callerCompressor;
    /**
     * Page-write thread only: a page the merge thread compressed, and its compressed bytes, which the page writer's
     * compressor hands back instead of compressing it again.
     */
    private BytesInput precompressedPage;
    private BytesInput precompressedBytes;
    /** Guarded by this: what waits to be written, copies free for reuse, and the first failure. */
    private final Deque<PageCopy> free = new ArrayDeque<>();
    /** Guarded by this: the capacity of the copies in {@link #free}, at most {@link #maxQueuedBytes}. */
    private long freeBytes;
    /** Data pages handed over uncompressed and not yet claimed by either thread, oldest first. */
    private final Deque<PendingCompression> uncompressed = new ArrayDeque<>();
    private long queuedBytes;
    private int queuedPages;
    private Throwable failure;

    /**
     * @param callerCompressor a compressor for the merge thread's own use while it waits; of the codec the page
     *                         writers compress with
     */
    public PageWriteThread(long maxQueuedBytes, BytesInputCompressor callerCompressor) {
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("the bytes of queued pages must be bounded by a positive number, was "
                    + maxQueuedBytes);
        }
        this.maxQueuedBytes = maxQueuedBytes;
        this.callerCompressor = Objects.requireNonNull(callerCompressor, "callerCompressor");
    }

    /** A page writer that hands its pages to this thread to be written into {@code pages}. */
    PageWriter writingInto(PageWriter pages) {
        return new QueuedPageWriter(pages);
    }

    /**
     * The compressor for the page writers this thread writes into: {@code compressor}, except for pages the merge
     * thread compressed already.
     */
    BytesInputCompressor compressingWith(BytesInputCompressor compressor) {
        if (compressor.getCodecName() != callerCompressor.getCodecName()) {
            throw new IllegalArgumentException("pages compressed with " + compressor.getCodecName()
                    + " cannot be compressed with " + callerCompressor.getCodecName() + " by the merge thread");
        }
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return bytes == precompressedPage ? precompressedBytes : compressor.compress(bytes);
            }

            @Override
            public CompressionCodecName getCodecName() {
                return compressor.getCodecName();
            }

            @Override
            public void release() {
                // the compressor belongs to whoever made it
            }
        };
    }

    /**
     * Waits until every page handed over is written, compressing waiting pages meanwhile; throws the first failure
     * of a write.
     */
    void awaitWritten() throws IOException {
        helpUntil(() -> queuedPages == 0);
        synchronized (this) {
            throwIfFailed();
        }
    }

    /**
     * On the merge thread, until {@code done} (read under this thread's lock): compresses the newest page nobody
     * claimed yet, or waits for a write when there is none.
     */
    private void helpUntil(BooleanSupplier done) throws InterruptedIOException {
        while (true) {
            PendingCompression newest;
            synchronized (this) {
                if (done.getAsBoolean()) {
                    return;
                }
                newest = failure == null ? uncompressed.pollLast() : null;
                if (newest == null) {
                    waitForWrite();
                    continue;
                }
            }
            compress(newest);
        }
    }

    /** Compresses a page claimed from the queue on the merge thread; a failure fails the page's write. */
    private void compress(PendingCompression pending) {
        BytesInput compressed = null;
        Throwable failed = null;
        try {
            compressed = pending.copy.keepCompressed(callerCompressor.compress(pending.page));
        } catch (IOException | RuntimeException e) {
            failed = e;
        }
        synchronized (this) {
            pending.compressed = compressed;
            if (failed != null && failure == null) {
                failure = failed;
            }
            notifyAll();
        }
    }

    /**
     * On this thread, before a data page handed over uncompressed is written: null when this thread is the first
     * to claim it (the page writer compresses it), else its bytes once the merge thread compressed them.
     */
    private synchronized BytesInput claim(PendingCompression pending) throws IOException {
        // pages are handed over and written oldest first, and claimed by the merge thread newest first
        if (uncompressed.peekFirst() == pending) {
            uncompressed.pollFirst();
            return null;
        }
        while (pending.compressed == null && failure == null) {
            waitForWrite();
        }
        throwIfFailed();
        return pending.compressed;
    }

    /** Waits for the writes in flight (their buffers may be released next) and ends the thread. */
    @Override
    public void close() {
        synchronized (this) {
            // the writes left are skipped once a failure is set, so this does not wait long after one
            if (failure == null && queuedPages > 0) {
                failure = new IOException("the merge stopped before its pages were written");
            }
        }
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param pending the page's compression, for a data page handed over uncompressed (its copy is reused once
     *                written); else null
     */
    private void handOver(long bytes, PendingCompression pending, PageWrite write) throws IOException {
        helpUntil(() -> queuedPages == 0 || queuedBytes + bytes <= maxQueuedBytes || failure != null);
        synchronized (this) {
            throwIfFailed();
            queuedPages++;
            queuedBytes += bytes;
            if (pending != null) {
                uncompressed.addLast(pending);
            }
        }
        thread.execute(() -> {
            Throwable failed = null;
            try {
                if (!failed()) {
                    write.run();
                }
            } catch (Throwable t) {
                failed = t;
            }
            synchronized (this) {
                queuedPages--;
                queuedBytes -= bytes;
                if (pending != null) {
                    recycle(pending.copy);
                }
                if (failed != null && failure == null) {
                    failure = failed;
                }
                notifyAll();
            }
        });
    }

    /** Keeps a written page's copy for reuse while the copies kept stay within the queue's bound. */
    private void recycle(PageCopy copy) {
        long capacity = copy.capacity();
        if (freeBytes + capacity <= maxQueuedBytes) {
            free.push(copy);
            freeBytes += capacity;
        }
    }

    /** The capacity of the page copies kept for reuse. */
    synchronized long pooledBytes() {
        return freeBytes;
    }

    private synchronized boolean failed() {
        return failure != null;
    }

    /** A page's bytes copied out of the buffers its encoder reuses. */
    private PageCopy copyOf(BytesInput bytes) throws IOException {
        PageCopy copy;
        synchronized (this) {
            if (free.isEmpty()) {
                copy = new PageCopy();
            } else {
                copy = free.pop();
                freeBytes -= copy.capacity();
            }
        }
        copy.reset();
        bytes.writeAllTo(copy);
        return copy;
    }

    private void waitForWrite() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the merge's pages to be written");
        }
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw new IOException("writing a page of the merge's output failed: " + failure, failure);
        }
    }

    /**
     * A page's bytes, and their compressed form when the merge thread compressed them, in arrays kept for the next
     * page.
     */
    private static final class PageCopy extends ByteArrayOutputStream {
        private byte[] compressed = new byte[0];

        /** The bytes its arrays hold, whatever the page in them. */
        long capacity() {
            return (long) buf.length + compressed.length;
        }

        BytesInput bytes() {
            return BytesInput.from(buf, 0, count);
        }

        /** Keeps a compressor's output, which is valid only until its next page. */
        BytesInput keepCompressed(BytesInput bytes) throws IOException {
            int length = Math.toIntExact(bytes.size());
            if (compressed.length < length) {
                compressed = new byte[Math.max(length, 2 * compressed.length)];
            }
            bytes.toByteBuffer().get(compressed, 0, length);
            return BytesInput.from(compressed, 0, length);
        }
    }

    /** A data page handed over uncompressed, compressed by whichever thread claims it first. */
    private static final class PendingCompression {
        final PageCopy copy;
        final BytesInput page;
        /** Guarded by the PageWriteThread: set once the merge thread compressed the page. */
        BytesInput compressed;

        PendingCompression(PageCopy copy, BytesInput page) {
            this.copy = copy;
            this.page = page;
        }
    }

    /** Writes a page, its compressed bytes taken as they are when the merge thread compressed them. */
    private void write(BytesInput page, BytesInput compressed, PageWrite write) throws IOException {
        precompressedPage = compressed == null ? null : page;
        precompressedBytes = compressed;
        try {
            write.run();
        } finally {
            precompressedPage = null;
            precompressedBytes = null;
        }
    }

    /**
     * Hands every page over. Its size, which decides where row groups and parts end, must not depend on how far
     * the other thread got, or two attempts at one window would cut different files: it counts every page
     * compressed except the last {@link #PAGES_COUNTED_UNCOMPRESSED}, which count as handed over, and waits for
     * the pages before those to be written when they are not yet.
     */
    private final class QueuedPageWriter implements PageWriter {
        private final PageWriter pages;
        /** The uncompressed size of each page handed over; merge thread only. */
        private long[] handedOver = new long[16];
        private int pagesHandedOver;
        /** Guarded by the thread: the page writer's size after each page it wrote. */
        private long[] sizeAfter = new long[16];
        private int pagesWritten;

        QueuedPageWriter(PageWriter pages) {
            this.pages = pages;
        }

        @Override
        @Deprecated
        public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding rlEncoding,
                              Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
            handOverPage(bytes, page -> pages.writePage(page, valueCount, statistics, rlEncoding, dlEncoding,
                    valuesEncoding));
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              Encoding rlEncoding, Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
            handOverPage(bytes, page -> pages.writePage(page, valueCount, rowCount, statistics, rlEncoding,
                    dlEncoding, valuesEncoding));
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                              Encoding valuesEncoding) throws IOException {
            handOverPage(bytes, page -> pages.writePage(page, valueCount, rowCount, statistics, sizeStatistics,
                    rlEncoding, dlEncoding, valuesEncoding));
        }

        /** Copies a data page out of its encoder's buffers and hands it over, for either thread to compress. */
        private void handOverPage(BytesInput bytes, DataPageWrite write) throws IOException {
            PageCopy copy = copyOf(bytes);
            BytesInput page = copy.bytes();
            PendingCompression pending = new PendingCompression(copy, page);
            handOver(copy.size(), pending, () -> PageWriteThread.this.write(page, claim(pending),
                    () -> write.run(page)));
        }

        @Override
        public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
                                BytesInput definitionLevels, Encoding dataEncoding, BytesInput data,
                                Statistics<?> statistics) throws IOException {
            writePageV2(rowCount, nullCount, valueCount, repetitionLevels, definitionLevels, dataEncoding, data,
                    statistics, null);
        }

        @Override
        public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
                                BytesInput definitionLevels, Encoding dataEncoding, BytesInput data,
                                Statistics<?> statistics, SizeStatistics sizeStatistics) throws IOException {
            // the merge writes V1 pages: V2 ones are rare enough to be copied into arrays of their own
            BytesInput r = BytesInput.copy(repetitionLevels);
            BytesInput d = BytesInput.copy(definitionLevels);
            BytesInput v = BytesInput.copy(data);
            handOver(r.size() + d.size() + v.size(), null, () -> pages.writePageV2(rowCount, nullCount,
                    valueCount, r, d, dataEncoding, v, statistics, sizeStatistics));
        }

        @Override
        public void writeDictionaryPage(DictionaryPage dictionaryPage) throws IOException {
            DictionaryPage copy = dictionaryPage.copy();
            handOver(copy.getBytes().size(), null, () -> pages.writeDictionaryPage(copy));
        }

        private void handOver(long bytes, PendingCompression pending, PageWrite write) throws IOException {
            if (pagesHandedOver == handedOver.length) {
                handedOver = Arrays.copyOf(handedOver, 2 * pagesHandedOver);
            }
            handedOver[pagesHandedOver++] = bytes;
            PageWriteThread.this.handOver(bytes, pending, () -> {
                write.run();
                long size = pages.getMemSize();
                synchronized (PageWriteThread.this) {
                    if (pagesWritten == sizeAfter.length) {
                        sizeAfter = Arrays.copyOf(sizeAfter, 2 * pagesWritten);
                    }
                    sizeAfter[pagesWritten++] = size;
                }
            });
        }

        @Override
        public long getMemSize() {
            int settled = pagesHandedOver - PAGES_COUNTED_UNCOMPRESSED;
            long size = settled > 0 ? sizeAfterPage(settled) : 0;
            for (int p = Math.max(0, settled); p < pagesHandedOver; p++) {
                size += handedOver[p];
            }
            return size;
        }

        /** The page writer's size once it wrote {@code count} pages; after a failure, what it had written. */
        private long sizeAfterPage(int count) {
            try {
                helpUntil(() -> pagesWritten >= count || failure != null);
            } catch (InterruptedIOException e) {
                throw new UncheckedIOException(e);
            }
            synchronized (PageWriteThread.this) {
                return pagesWritten == 0 ? 0 : sizeAfter[Math.min(count, pagesWritten) - 1];
            }
        }

        @Override
        public long allocatedSize() {
            return getMemSize();
        }

        @Override
        public String memUsageString(String prefix) {
            return prefix + " " + getMemSize() + " bytes written or handed over";
        }
    }
}
