package dev.compactor.merge;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageWriteThreadTest {

    private final PageWriteThread thread = new PageWriteThread(1L << 20);

    @AfterEach
    void tearDown() {
        thread.close();
    }

    @Test
    void pagesReachTheirWriterInOrderOnTheOtherThreadThoughTheCallerReusesItsBuffer() throws IOException {
        RecordingPages pages = new RecordingPages();
        pages.release.countDown();
        PageWriter writer = thread.writingInto(pages);
        byte[] buffer = new byte[64];
        for (int p = 0; p < 10; p++) {
            Arrays.fill(buffer, (byte) p);
            writePage(writer, buffer);
        }
        thread.awaitWritten();

        assertEquals(10, pages.written.size());
        for (int p = 0; p < 10; p++) {
            byte[] expected = new byte[64];
            Arrays.fill(expected, (byte) p);
            assertArrayEquals(expected, pages.written.get(p), "page " + p);
        }
        assertEquals(Set.of("merge-page-writer"), pages.threads);
    }

    /**
     * Row groups and parts end where this size says: counting whatever the other thread happened to finish would
     * cut two attempts at one window differently.
     */
    @Test
    void aWritersSizeCountsAllButItsLastTwoPagesCompressedWaitingForThemIfNeeded() throws Exception {
        RecordingPages pages = new RecordingPages();
        PageWriter writer = thread.writingInto(pages);
        for (int p = 0; p < 4; p++) {
            writePage(writer, new byte[100]);
        }
        CompletableFuture<Long> size = CompletableFuture.supplyAsync(writer::getMemSize);
        try {
            assertFalse(size.isDone(), "the size was known before the first pages were written");
        } finally {
            pages.release.countDown();
        }

        // two pages compressed to half, two counted as handed over
        assertEquals(2 * 50 + 2 * 100, size.get());
        thread.awaitWritten();
        assertEquals(2 * 50 + 2 * 100, writer.getMemSize());
    }

    @Test
    void aFailedWriteFailsTheWaitAndEveryLaterPage() throws IOException {
        RecordingPages pages = new RecordingPages();
        pages.failAt = 1;
        PageWriter writer = thread.writingInto(pages);
        pages.release.countDown();
        writePage(writer, new byte[10]);
        writePage(writer, new byte[10]);
        writePage(writer, new byte[10]);

        IOException failure = assertThrows(IOException.class, thread::awaitWritten);
        assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
        assertThrows(IOException.class, () -> writePage(writer, new byte[10]));
        assertEquals(1, pages.written.size(), "pages after the failed one were written");
    }

    @Test
    void theQueueMustBeBounded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PageWriteThread(0));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
    }

    private static void writePage(PageWriter writer, byte[] bytes) throws IOException {
        writer.writePage(BytesInput.from(bytes), 1, 1, null, null, Encoding.BIT_PACKED, Encoding.BIT_PACKED,
                Encoding.PLAIN);
    }

    /** Keeps what reaches it; holds the first page until released; its pages compress to half. */
    private static final class RecordingPages implements PageWriter {
        final List<byte[]> written = Collections.synchronizedList(new ArrayList<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch release = new CountDownLatch(1);
        int failAt = -1;
        private int calls;
        private long size;

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                              Encoding valuesEncoding) throws IOException {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (calls++ == failAt) {
                throw new IOException("No space left on device");
            }
            written.add(bytes.toByteArray());
            threads.add(Thread.currentThread().getName());
            size += bytes.size() / 2;
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding rlEncoding,
                              Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
            writePage(bytes, valueCount, valueCount, statistics, null, rlEncoding, dlEncoding, valuesEncoding);
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              Encoding rlEncoding, Encoding dlEncoding, Encoding valuesEncoding) throws IOException {
            writePage(bytes, valueCount, rowCount, statistics, null, rlEncoding, dlEncoding, valuesEncoding);
        }

        @Override
        public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
                                BytesInput definitionLevels, Encoding dataEncoding, BytesInput data,
                                Statistics<?> statistics) {
            throw new UnsupportedOperationException("V1 pages only");
        }

        @Override
        public long getMemSize() {
            return size;
        }

        @Override
        public long allocatedSize() {
            return size;
        }

        @Override
        public void writeDictionaryPage(DictionaryPage dictionaryPage) {
            throw new UnsupportedOperationException("no dictionary");
        }

        @Override
        public String memUsageString(String prefix) {
            return prefix + size;
        }
    }
}
