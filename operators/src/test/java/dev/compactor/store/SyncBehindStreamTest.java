package dev.compactor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncBehindStreamTest {

    @TempDir
    Path dir;

    @Test
    void syncsBehindTheWritesAndKeepsEveryByte() throws IOException {
        Path file = dir.resolve("part");
        AtomicInteger syncs = new AtomicInteger();
        byte[] expected = new byte[10_000];
        Arrays.fill(expected, (byte) 7);
        expected[9_999] = 9;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             SyncBehindStream out = new SyncBehindStream(channel, 2_500, syncs::incrementAndGet)) {
            for (int i = 0; i < 9_999; i += 1_111) {
                out.write(expected, i, 1_111);
            }
            out.write(9);
            out.sync();
        }
        assertTrue(syncs.get() >= 1, "no sync ran behind 10,000 bytes written with a sync every 2,500");
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void aFailedBackgroundSyncFailsTheFile() throws IOException {
        Path file = dir.resolve("part");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             SyncBehindStream out = new SyncBehindStream(channel, 100, () -> {
                 throw new IOException("Input/output error");
             })) {
            out.write(new byte[100], 0, 100);
            // Linux reports a writeback error to one fsync only: the final sync must not pass after it was lost
            IOException e = assertThrows(IOException.class, out::sync);
            assertEquals("Input/output error", e.getMessage());
        }
    }

    @Test
    void refusesANonPositiveInterval() throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("part"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SyncBehindStream(channel, 0, () -> { }));
            assertEquals("syncEvery must be positive, was 0", e.getMessage());
        }
    }
}
