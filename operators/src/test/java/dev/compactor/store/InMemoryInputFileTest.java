package dev.compactor.store;

import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryInputFileTest {

    @Test
    void readsAndSeeksWithinItsBytes() throws IOException {
        InMemoryInputFile file = new InMemoryInputFile("f", new byte[] {1, 2, 3, 4, 5});
        try (SeekableInputStream in = file.newStream()) {
            in.seek(3);
            byte[] two = new byte[2];
            in.readFully(two);
            assertArrayEquals(new byte[] {4, 5}, two);
            assertEquals(5, in.getPos());
            assertThrows(EOFException.class, () -> in.seek(6));
        }
        assertEquals(5, file.getLength());
    }

    /** A merge lets go of a file read whole once its row groups are decoded, while its reader stays open. */
    @Test
    void releasedBytesAreNoLongerReadable() throws IOException {
        InMemoryInputFile file = new InMemoryInputFile("data/x.parquet", new byte[] {1, 2, 3});
        SeekableInputStream open = file.newStream();

        file.release();

        assertEquals(-1, open.read(), "an open stream reads nothing more");
        assertEquals(3, file.getLength());
        IOException e = assertThrows(IOException.class, file::newStream);
        assertTrue(e.getMessage().contains("data/x.parquet was released"), e.getMessage());
        open.close();
    }
}
