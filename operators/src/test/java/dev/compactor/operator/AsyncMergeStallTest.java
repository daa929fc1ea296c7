package dev.compactor.operator;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.WrappingInputFile;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.compactor.operator.AsyncMergeCalls.invoke;
import static dev.compactor.operator.AsyncMergeCalls.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23 item 3 at the merge: a merge that is slow but moves bytes runs to the end however long it takes and
 * reports progress; a merge whose store hangs is cancelled after the stall timeout, frees its thread and gives its
 * attempt up, and the retry merges. Real time, kept short: the watchdog runs on the wall clock.
 */
class AsyncMergeStallTest {

    /** 2025-01-01T10:00:00Z */
    private static final long WINDOW_START = 1_735_725_600_000L;
    private static final int ROWS = 5;
    private static final Schema SCHEMA = SchemaBuilder.record("Order").fields()
            .requiredLong("id").requiredString("payload").endRecord();
    private static final BucketLayout LAYOUT = BucketLayout.defaults();

    @TempDir
    Path bucket;
    @TempDir
    Path spill;

    private final List<AsyncMerge> started = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AsyncMerge m : started) {
            m.close();
        }
    }

    /**
     * Class loading of the first merge in this JVM moves no byte for a while on a busy machine; it is not what these
     * tests are about, and their stall timeouts are short to keep them fast.
     */
    @BeforeEach
    void warmUp() throws Exception {
        LocalObjectStore store = new LocalObjectStore(bucket);
        single(invoke(start(store, 60_000), task(store, "warm", 2, 0)).get(60, TimeUnit.SECONDS));
    }

    @Test
    void aMergeThatTakesThreeStallTimeoutsButMovesBytesIsNotCancelled() throws Exception {
        long stallMs = 1_000;
        LocalObjectStore store = new LocalObjectStore(bucket);
        CompactionTask task = task(store, "slow", 5, 0);
        AsyncMerge merge = start(new FaultyStore(store, new SlowSources(stallMs / 4)), stallMs);

        long began = System.nanoTime();
        StagedWindow staged = single(invoke(merge, task).get(60, TimeUnit.SECONDS));
        long tookMs = (System.nanoTime() - began) / 1_000_000;

        assertTrue(tookMs >= 3 * stallMs, "the merge took " + tookMs + " ms, not three stall timeouts");
        assertEquals(5L * ROWS, staged.totalRows());
        assertTrue(store.head(marker(task, BucketLayout.STAGED_MARKER)).isPresent());
        assertFalse(store.head(marker(task, BucketLayout.FAILED_MARKER)).isPresent(), "never given up");
        String progress = new String(store.read(marker(task, BucketLayout.PROGRESS_MARKER)), StandardCharsets.UTF_8);
        assertTrue(progress.contains("\"bytesMoved\""), "progress markers tell the tracker it runs: " + progress);
    }

    @Test
    void aMergeWhoseStoreHangsIsCancelledFreesItsThreadAndTheRetryMerges() throws Exception {
        long stallMs = 1_000;
        LocalObjectStore store = new LocalObjectStore(bucket);
        CompactionTask first = task(store, "hung", 3, 0);
        HangOnce hanging = new HangOnce();
        // one merge thread: the retry needs the one the hang held
        AsyncMerge merge = start(new FaultyStore(store, hanging), stallMs);

        Collection<StagedWindow> givenUp = invoke(merge, first).get(30, TimeUnit.SECONDS);

        assertEquals(List.of(), givenUp, "the attempt gave up: nothing to commit");
        assertTrue(hanging.released.await(10, TimeUnit.SECONDS), "the hung read was interrupted");
        String failed = new String(store.read(marker(first, BucketLayout.FAILED_MARKER)), StandardCharsets.UTF_8);
        assertTrue(failed.contains("no byte read or written for " + stallMs + " ms"), failed);
        assertFalse(store.head(marker(first, BucketLayout.STAGED_MARKER)).isPresent());

        CompactionTask retry = new CompactionTask(first.namespace, first.windowStart, first.windowEnd,
                first.generation, 1, first.files);
        StagedWindow staged = single(invoke(merge, retry).get(30, TimeUnit.SECONDS));
        assertEquals(3L * ROWS, staged.totalRows());
        assertTrue(store.head(marker(retry, BucketLayout.STAGED_MARKER)).isPresent());
    }

    /** Every open and every seek of a source file takes {@code delayMs}: a slow store that still moves bytes. */
    private static final class SlowSources implements FaultyStore.Plan {
        private final long delayMs;

        SlowSources(long delayMs) {
            this.delayMs = delayMs;
        }

        private void pause(String key) throws IOException {
            if (key.startsWith(BucketLayout.defaults().dataPrefix())) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted in the slow store");
                }
            }
        }

        @Override
        public void before(FaultyStore.Call call) throws IOException {
            if (call.op() == FaultyStore.Op.READ) {
                pause(call.key());
            }
        }

        @Override
        public InputFile input(String key, InputFile source) {
            return new WrappingInputFile(source) {
                @Override
                protected SeekableInputStream wrap(SeekableInputStream in) {
                    return new DelegatingSeekableInputStream(in) {
                        @Override
                        public long getPos() throws IOException {
                            return in.getPos();
                        }

                        @Override
                        public void seek(long newPos) throws IOException {
                            pause(key);
                            in.seek(newPos);
                        }
                    };
                }
            };
        }
    }

    /** The first read of a source file hangs until its thread is interrupted; later reads are served. */
    private static final class HangOnce implements FaultyStore.Plan {
        final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean hung = new AtomicBoolean();

        @Override
        public void before(FaultyStore.Call call) throws IOException {
            if (call.is(FaultyStore.Op.READ, BucketLayout.defaults().dataPrefix()) && hung.compareAndSet(false, true)) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    released.countDown();
                    throw new InterruptedIOException("interrupted while hanging on " + call.key());
                }
            }
        }
    }

    private AsyncMerge start(ObjectStore merging, long stallMs) throws Exception {
        MergeSettings settings = new MergeSettings(1L << 20, null, 8L << 20, "SNAPPY", spill.toString());
        AsyncMerge merge = new AsyncMerge(() -> merging, LAYOUT, settings, 1, 3, stallMs);
        merge.setRuntimeContext(new MockStreamingRuntimeContext(false, 1, 0));
        merge.open(DefaultOpenContext.INSTANCE);
        started.add(merge);
        return merge;
    }

    private static String marker(CompactionTask task, String name) {
        return LAYOUT.stagedMarkerKey(task.namespace, task.windowStart, task.generation, task.attempt)
                .replace(BucketLayout.STAGED_MARKER, name);
    }

    /** Attempt {@code attempt} of generation 0 of a window of {@code count} sources of namespace {@code ns}. */
    private static CompactionTask task(LocalObjectStore store, String ns, int count, int attempt) throws IOException {
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long fileTime = WINDOW_START + i * 1_000L;
            String key = LAYOUT.dataPrefix() + ns + "/" + fileTime / 1000 + "-w1-" + i + ".parquet";
            writeSource(store, key, i * ROWS);
            ObjectInfo head = store.head(key).orElseThrow();
            files.add(new SourceFile(key, head.size(), head.eTag(), "w1", i, fileTime));
        }
        return new CompactionTask(ns, WINDOW_START, WINDOW_START + 3_600_000L, 0, attempt, files);
    }

    private static void writeSource(LocalObjectStore store, String key, long firstId) throws IOException {
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(SCHEMA).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .build()) {
            for (int i = 0; i < ROWS; i++) {
                GenericRecord r = new GenericData.Record(SCHEMA);
                r.put("id", firstId + i);
                r.put("payload", "row-" + (firstId + i));
                w.write(r);
            }
        }
    }
}
