package dev.compactor.merge.write;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageWriteThreadTest {

    private static final byte BY_PAGE_WRITER = 'W';
    private static final byte BY_CALLER = 'C';

    private final TaggingCompressor callerCompressor = new TaggingCompressor(BY_CALLER);
    private final PageWriteThread thread = new PageWriteThread(1L << 20, callerCompressor);

    @AfterEach
    void tearDown() {
        thread.close();
    }

    @Test
    void pagesReachTheirWriterInOrderOnTheOtherThreadThoughTheCallerReusesItsBuffer() throws IOException {
        RecordingPages pages = new RecordingPages(thread.compressingWith(new TaggingCompressor(BY_PAGE_WRITER)));
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
            byte[] written = pages.written.get(p);
            // compressed by either thread: the caller takes the newest pages while it waits
            assertTrue(written[0] == BY_PAGE_WRITER || written[0] == BY_CALLER, "page " + p);
            assertArrayEquals(expected, Arrays.copyOfRange(written, 1, written.length), "page " + p);
        }
        assertEquals(Set.of("merge-page-writer"), pages.threads);
    }

    /**
     * Row groups and parts end where this size says: counting whatever the other thread happened to finish would
     * cut two attempts at one window differently.
     */
    @Test
    void aWritersSizeCountsAllButItsLastEightPagesCompressedWaitingForThemIfNeeded() throws Exception {
        RecordingPages pages = new RecordingPages(thread.compressingWith(new TaggingCompressor(BY_PAGE_WRITER)));
        PageWriter writer = thread.writingInto(pages);
        for (int p = 0; p < 10; p++) {
            writePage(writer, new byte[100]);
        }
        CompletableFuture<Long> size = CompletableFuture.supplyAsync(writer::getMemSize);
        try {
            assertFalse(size.isDone(), "the size was known before the first pages were written");
        } finally {
            pages.release.countDown();
        }

        // two pages compressed (to half), eight counted as handed over
        assertEquals(2 * 50 + 8 * 100, size.get());
        thread.awaitWritten();
        assertEquals(2 * 50 + 8 * 100, writer.getMemSize());
    }

    @Test
    void whenTheQueueIsFullTheCallerCompressesAWaitingPageAndThePageWriterTakesItAsItIs() throws Exception {
        PageWriteThread small = new PageWriteThread(4, callerCompressor);
        try {
            RecordingPages pages = new RecordingPages(small.compressingWith(new TaggingCompressor(BY_PAGE_WRITER)));
            PageWriter writer = small.writingInto(pages);
            writePage(writer, new byte[] {1, 2});
            assertTrue(pages.entered.await(1, TimeUnit.MINUTES), "the first page never reached its writer");
            writePage(writer, new byte[] {3, 4});
            // the third would pass the bound: its caller compresses the page waiting before it, then waits
            whileTheWriterIsHeld(pages, callerCompressor, () -> writePage(writer, new byte[] {5, 6}));
            small.awaitWritten();

            assertArrayEquals(new byte[] {BY_PAGE_WRITER, 1, 2}, pages.written.get(0));
            assertArrayEquals(new byte[] {BY_CALLER, 3, 4}, pages.written.get(1));
            // the wait for the last page may compress it on either thread
            assertArrayEquals(new byte[] {5, 6}, Arrays.copyOfRange(pages.written.get(2), 1, 3));
            assertFalse(callerCompressor.threads.contains("merge-page-writer"), callerCompressor.threads.toString());
        } finally {
            small.close();
        }
    }

    @Test
    void whileWaitingForTheQueueTheCallerCompressesItsNewestPages() throws Exception {
        TaggingCompressor caller = new TaggingCompressor(BY_CALLER, 2);
        PageWriteThread waiting = new PageWriteThread(1L << 20, caller);
        RecordingPages pages = new RecordingPages(waiting.compressingWith(new TaggingCompressor(BY_PAGE_WRITER)));
        PageWriter writer = waiting.writingInto(pages);
        for (byte p = 0; p < 3; p++) {
            writePage(writer, new byte[] {p});
        }
        assertTrue(pages.entered.await(1, TimeUnit.MINUTES), "the first page never reached its writer");
        // the page-write thread holds the oldest page; the caller, waiting, takes the two behind it
        whileTheWriterIsHeld(pages, caller, waiting::awaitWritten);
        waiting.close();

        assertArrayEquals(new byte[] {BY_PAGE_WRITER, 0}, pages.written.get(0));
        assertArrayEquals(new byte[] {BY_CALLER, 1}, pages.written.get(1));
        assertArrayEquals(new byte[] {BY_CALLER, 2}, pages.written.get(2));
    }

    @Test
    void aFailedWriteFailsTheWaitAndEveryLaterPage() throws IOException {
        RecordingPages pages = new RecordingPages(thread.compressingWith(new TaggingCompressor(BY_PAGE_WRITER)));
        pages.failAt = 1;
        PageWriter writer = thread.writingInto(pages);
        writePage(writer, new byte[10]);
        writePage(writer, new byte[10]);
        writePage(writer, new byte[10]);
        pages.release.countDown();

        IOException failure = assertThrows(IOException.class, thread::awaitWritten);
        assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
        assertThrows(IOException.class, () -> writePage(writer, new byte[10]));
        assertEquals(1, pages.written.size(), "pages after the failed one were written");
    }

    /**
     * A copy keeps the capacity of the largest page it held. Each round here queues one more small page ahead of
     * a large one, so the small pages take every copy grown so far and the large one grows a new one: without a
     * bound on the copies kept, each round kept another half megabyte (the page and its compressed form) for a
     * one-megabyte queue, past it from the second round on.
     */
    @Test
    void theCopiesKeptForReuseStayWithinTheQueuesBound() throws IOException {
        long bound = 1L << 20;
        for (int round = 1; round <= 16; round++) {
            RecordingPages pages = new RecordingPages(thread.compressingWith(new TaggingCompressor(BY_PAGE_WRITER)));
            PageWriter writer = thread.writingInto(pages);
            for (int small = 0; small < round; small++) {
                writePage(writer, new byte[16]);
            }
            writePage(writer, new byte[(int) (bound / 4)]);
            pages.release.countDown();
            thread.awaitWritten();
            assertEquals(round + 1, pages.written.size());
            long kept = thread.pooledBytes();
            assertTrue(kept <= bound, "round " + round + ": " + kept + " bytes of page copies kept for a queue of "
                    + bound);
        }
    }

    @Test
    void theQueueMustBeBounded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PageWriteThread(0, callerCompressor));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /**
     * Runs {@code action} on another thread while the page writer holds a page, asserts that the caller compressed
     * meanwhile, then lets the page writer go on and waits for the action to end.
     */
    private static void whileTheWriterIsHeld(RecordingPages pages, TaggingCompressor caller, IoAction action)
            throws Exception {
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            assertTrue(caller.called.await(1, TimeUnit.MINUTES), "the caller did not compress");
        } finally {
            pages.release.countDown();
        }
        run.get();
    }

    private static void writePage(PageWriter writer, byte[] bytes) throws IOException {
        writer.writePage(BytesInput.from(bytes), 1, 1, null, null, Encoding.BIT_PACKED, Encoding.BIT_PACKED,
                Encoding.PLAIN);
    }

    /** "Compresses" a page by putting a tag before it, which tells which compressor did it. */
    private static final class TaggingCompressor implements BytesInputCompressor {
        final byte tag;
        /** Counted down by each call, up to the calls a test waits for. */
        final CountDownLatch called;
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        TaggingCompressor(byte tag) {
            this(tag, 1);
        }

        TaggingCompressor(byte tag, int callsAwaited) {
            this.tag = tag;
            this.called = new CountDownLatch(callsAwaited);
        }

        @Override
        public BytesInput compress(BytesInput bytes) {
            threads.add(Thread.currentThread().getName());
            called.countDown();
            return BytesInput.concat(BytesInput.from(new byte[] {tag}), bytes);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {
        }
    }

    /**
     * Keeps what reaches it, compressed, as a column chunk's page writer does; holds the first page until released;
     * its size counts each page at half.
     */
    private static final class RecordingPages extends V1PageWriter {
        final BytesInputCompressor compressor;
        final List<byte[]> written = Collections.synchronizedList(new ArrayList<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        int failAt = -1;
        private int calls;

        RecordingPages(BytesInputCompressor compressor) {
            this.compressor = compressor;
        }

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                              Encoding valuesEncoding) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (calls++ == failAt) {
                throw new IOException("No space left on device");
            }
            written.add(compressor.compress(bytes).toByteArray());
            threads.add(Thread.currentThread().getName());
            size += bytes.size() / 2;
        }
    }
}
