package dev.compactor.merge;

import dev.compactor.store.InMemoryInputFile;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InputPrefetchTest {

    @TempDir
    Path bucket;

    private LocalObjectStore store;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
    }

    @Test
    void smallInputsComeFromMemoryWithTheirBytesAndLargeOnesFromTheStore() throws IOException {
        List<InputFooter> inputs = new ArrayList<>();
        inputs.add(object("a", 1000));
        inputs.add(object("big", 5000));
        inputs.add(object("c", 1000));
        try (InputPrefetch prefetch = new InputPrefetch(store, inputs, 8000)) {
            for (int i = 0; i < inputs.size(); i++) {
                InputFile file = prefetch.open(i);
                assertEquals(i != 1, file instanceof InMemoryInputFile, inputs.get(i).key());
                assertArrayEquals(store.read(inputs.get(i).key()), readAll(file));
            }
        }
    }

    @Test
    void aFetchThatFailsFailsTheOpenOfThatInputWithTheStoresError() throws IOException {
        List<InputFooter> inputs = List.of(object("a", 100), object("gone", 100));
        Files.delete(store.pathOf(inputs.get(1).key()));
        try (InputPrefetch prefetch = new InputPrefetch(store, inputs, 1 << 20)) {
            assertArrayEquals(store.read(inputs.get(0).key()), readAll(prefetch.open(0)));
            assertThrows(NoSuchFileException.class, () -> prefetch.open(1));
        }
    }

    @Test
    void anInMemoryInputSeeksReadsBuffersAndRefusesToSeekPastItsEnd() throws IOException {
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        try (SeekableInputStream in = new InMemoryInputFile("x", bytes).newStream()) {
            in.seek(90);
            ByteBuffer buffer = ByteBuffer.allocate(10);
            in.readFully(buffer);
            assertEquals(90, buffer.get(0));
            assertEquals(100, in.getPos());
            assertEquals(-1, in.read());
            in.seek(5);
            assertEquals(5, in.read());
            assertThrows(EOFException.class, () -> in.seek(101));
            in.seek(95);
            assertThrows(EOFException.class, () -> in.readFully(new byte[10]));
        }
        assertFalse(new InMemoryInputFile("x", bytes).toString().isEmpty());
        assertInstanceOf(InputFile.class, new InMemoryInputFile("x", bytes));
    }

    private InputFooter object(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + name.hashCode());
        }
        String key = "data/ns/" + name + ".bin";
        Files.createDirectories(store.pathOf(key).getParent());
        Files.write(store.pathOf(key), bytes);
        return new InputFooter(key, size, null, null, null, List.of(), 0, 0);
    }

    private static byte[] readAll(InputFile file) throws IOException {
        byte[] out = new byte[(int) file.getLength()];
        try (SeekableInputStream in = file.newStream()) {
            in.readFully(out);
        }
        return out;
    }
}
