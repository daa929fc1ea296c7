package dev.compactor.store;

import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A merge's view of the store counts what moves through it and stops the merge once cancelled. */
class ProgressStoreTest {

    @TempDir
    Path bucket;

    @Test
    void countsBytesReadAndWrittenThroughCallsAndStreams() throws Exception {
        ProgressStore store = new ProgressStore(new LocalObjectStore(bucket));
        store.write("a", new byte[100]);
        assertEquals(100, store.bytesMoved());
        assertEquals(100, store.read("a").length);
        assertEquals(200, store.bytesMoved());

        try (PositionOutputStream out = store.outputFile("b").create(0)) {
            out.write(new byte[40]);
            out.write(new byte[40], 10, 20);
            out.write(7);
            assertEquals(61, out.getPos());
        }
        assertEquals(261, store.bytesMoved());

        try (SeekableInputStream in = store.inputFile("b").newStream()) {
            in.seek(1);
            in.readFully(new byte[30]);
            in.read(ByteBuffer.allocate(10));
            in.read();
            assertEquals(42, in.getPos());
        }
        assertEquals(261 + 41, store.bytesMoved());
    }

    @Test
    void progressGrowsWithEveryAnsweredCallEvenWithoutBytes() throws Exception {
        ProgressStore store = new ProgressStore(new LocalObjectStore(bucket));
        store.head("absent");
        store.list("");
        store.delete("absent");
        assertEquals(0, store.bytesMoved());
        assertEquals(3, store.progress());
    }

    @Test
    void afterCancelEveryCallAndOpenStreamThrows() throws Exception {
        LocalObjectStore local = new LocalObjectStore(bucket);
        local.write("a", new byte[] {1, 2, 3});
        ProgressStore store = new ProgressStore(local);
        SeekableInputStream open = store.inputFile("a").newStream();
        PositionOutputStream writing = store.outputFile("b").create(0);

        store.cancel();

        assertTrue(store.isCancelled());
        assertThrows(InterruptedIOException.class, () -> store.read("a"));
        assertThrows(InterruptedIOException.class, () -> store.head("a"));
        assertThrows(InterruptedIOException.class, () -> store.list(""));
        assertThrows(InterruptedIOException.class, () -> store.write("c", new byte[1]));
        assertThrows(InterruptedIOException.class, () -> store.inputFile("a"));
        assertThrows(InterruptedIOException.class, () -> store.delete("a"));
        assertThrows(InterruptedIOException.class, () -> open.readFully(new byte[3]));
        assertThrows(InterruptedIOException.class, () -> writing.write(new byte[3]));
        open.close();
        writing.close();
        assertArrayEquals(new byte[] {1, 2, 3}, local.read("a"), "nothing was deleted");
    }

    @Test
    void closingItLeavesTheSharedStoreOpen() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        ObjectStore shared = new ForwardingObjectStore(new LocalObjectStore(bucket)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        new ProgressStore(shared).close();
        assertFalse(closed.get(), "every merge of the operator shares the store");
    }
}
