package dev.compactor.merge;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Writes a merge's output pages on a thread of its own. Compressing a page, with the checksum and the copy
 * parquet-java's page writer makes of it, is up to half of what a merge costs, and none of it touches what the
 * merge does next: the merge thread copies each finished page, hands it over and goes on with the next one, so
 * on two cores the codec's time overlaps the merge's instead of adding to it.
 *
 * <p>Pages are written one at a time in the order they were handed over: each column chunk keeps its page
 * order, and one compressor serves every column. At most {@code maxQueuedBytes} of pages wait at once (always at
 * least one page), their buffers reused from page to page. After a write failed, every later hand-over and
 * {@link #awaitWritten()} throw it.
 */
final class PageWriteThread implements AutoCloseable {

    /** Something a page writer does with a page that was handed over. */
    private interface PageWrite {
        void run() throws IOException;
    }

    /** Pages counted at their uncompressed size in a writer's size, which then needs not wait for them. */
    private static final int PAGES_COUNTED_UNCOMPRESSED = 2;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "merge-page-writer");
        t.setDaemon(true);
        return t;
    });
    private final long maxQueuedBytes;
    /** Guarded by this: what waits to be written, copies free for reuse, and the first failure. */
    private final Deque<PageCopy> free = new ArrayDeque<>();
    private long queuedBytes;
    private int queuedPages;
    private Throwable failure;

    PageWriteThread(long maxQueuedBytes) {
        if (maxQueuedBytes <= 0) {
            throw new IllegalArgumentException("the bytes of queued pages must be bounded by a positive number, was "
                    + maxQueuedBytes);
        }
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** A page writer that hands its pages to this thread to be written into {@code pages}. */
    PageWriter writingInto(PageWriter pages) {
        return new QueuedPageWriter(pages);
    }

    /** Waits until every page handed over is written; throws the first failure of a write. */
    synchronized void awaitWritten() throws IOException {
        while (queuedPages > 0) {
            waitForWrite();
        }
        throwIfFailed();
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

    private void handOver(PageCopy copy, long bytes, PageWrite write) throws IOException {
        synchronized (this) {
            while (queuedPages > 0 && queuedBytes + bytes > maxQueuedBytes && failure == null) {
                waitForWrite();
            }
            throwIfFailed();
            queuedPages++;
            queuedBytes += bytes;
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
                if (copy != null) {
                    free.push(copy);
                }
                if (failed != null && failure == null) {
                    failure = failed;
                }
                notifyAll();
            }
        });
    }

    private synchronized boolean failed() {
        return failure != null;
    }

    /** A page's bytes copied out of the buffers its encoder reuses. */
    private PageCopy copyOf(BytesInput bytes) throws IOException {
        PageCopy copy;
        synchronized (this) {
            copy = free.isEmpty() ? new PageCopy() : free.pop();
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

    /** A page's bytes in an array kept for the next page. */
    private static final class PageCopy extends ByteArrayOutputStream {
        BytesInput bytes() {
            return BytesInput.from(buf, 0, count);
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
            PageCopy copy = copyOf(bytes);
            handOver(copy, copy.size(), () -> pages.writePage(copy.bytes(), valueCount, statistics, rlEncoding,
                    dlEncoding, valuesEncoding));
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              Encoding rlEncoding, Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
            PageCopy copy = copyOf(bytes);
            handOver(copy, copy.size(), () -> pages.writePage(copy.bytes(), valueCount, rowCount, statistics,
                    rlEncoding, dlEncoding, valuesEncoding));
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                              Encoding valuesEncoding) throws IOException {
            PageCopy copy = copyOf(bytes);
            handOver(copy, copy.size(), () -> pages.writePage(copy.bytes(), valueCount, rowCount, statistics,
                    sizeStatistics, rlEncoding, dlEncoding, valuesEncoding));
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
            handOver(null, r.size() + d.size() + v.size(), () -> pages.writePageV2(rowCount, nullCount, valueCount,
                    r, d, dataEncoding, v, statistics, sizeStatistics));
        }

        @Override
        public void writeDictionaryPage(DictionaryPage dictionaryPage) throws IOException {
            DictionaryPage copy = dictionaryPage.copy();
            handOver(null, copy.getBytes().size(), () -> pages.writeDictionaryPage(copy));
        }

        private void handOver(PageCopy copy, long bytes, PageWrite write) throws IOException {
            if (pagesHandedOver == handedOver.length) {
                handedOver = Arrays.copyOf(handedOver, 2 * pagesHandedOver);
            }
            handedOver[pagesHandedOver++] = bytes;
            PageWriteThread.this.handOver(copy, bytes, () -> {
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
            synchronized (PageWriteThread.this) {
                while (pagesWritten < count && failure == null) {
                    try {
                        waitForWrite();
                    } catch (InterruptedIOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
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
