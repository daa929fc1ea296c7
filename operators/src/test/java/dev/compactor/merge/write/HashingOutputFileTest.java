package dev.compactor.merge.write;

import dev.compactor.store.FaultyStore;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashingOutputFileTest {

    /** Larger than the slices a chunk is written in, as with the default merge memory. */
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dir;

    /** Writes of every size, single bytes and flushes among them, across and exactly on chunk boundaries. */
    @Test
    void hashesAndWritesEveryByteInOrderWhateverTheWriteSizes() throws Exception {
        Random random = new Random(7);
        Path file = dir.resolve("part.parquet");
        HashingOutputFile output = new HashingOutputFile(new LocalOutputFile(file), CHUNK);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int[] sizes = {1, CHUNK - 1, 1, CHUNK, 0, 3 * CHUNK + 5, 8192, CHUNK - 8192, 70_000, 5 * CHUNK, 17};
        try (PositionOutputStream out = output.createOrOverwrite(0)) {
            for (int size : sizes) {
                byte[] bytes = new byte[size + 10];
                random.nextBytes(bytes);
                out.write(bytes, 10, size);
                expected.write(bytes, 10, size);
                assertThat(out.getPos()).isEqualTo(expected.size());
                int b = random.nextInt(256);
                out.write(b);
                expected.write(b);
                if (size == 17 || size == 1) {
                    out.flush();
                }
                assertThat(out.getPos()).isEqualTo(expected.size());
            }
            out.close(); // closing twice, as writers do, writes nothing more
        }

        byte[] written = Files.readAllBytes(file);
        assertThat(written).isEqualTo(expected.toByteArray());
        assertThat(output.bytesWritten()).isEqualTo(written.length);
        assertThat(output.sha256Hex())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)));
    }

    /** A chunk is filled again only once it is hashed, however far behind the hashing thread is. */
    @Test
    void reusesAChunkOnlyOnceItIsHashed() throws Exception {
        Path file = dir.resolve("part.parquet");
        HashingOutputFile output = new HashingOutputFile(new LocalOutputFile(file), CHUNK,
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        Random random = new Random(11);
        try (PositionOutputStream out = output.createOrOverwrite(0)) {
            byte[] chunk = new byte[CHUNK];
            for (int i = 0; i < 12; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        byte[] written = Files.readAllBytes(file);
        assertThat(written).hasSize(12 * CHUNK);
        assertThat(output.sha256Hex())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)));
    }

    @Test
    void aWriteTheTargetRefusesFailsTheWriteThatHandsItsChunkOver() throws Exception {
        Path file = dir.resolve("part.parquet");
        HashingOutputFile output =
                new HashingOutputFile(FaultyStore.failingAfter(new LocalOutputFile(file), 0), CHUNK);
        PositionOutputStream out = output.createOrOverwrite(0);
        out.write(new byte[CHUNK]); // fills the first chunk, written on the next write
        String refused = "injected failure after 0 bytes of " + file;
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessage(refused);
        // closing still tries to write what it gathered, and fails the same way
        assertThatThrownBy(out::close).hasMessage(refused);
        assertThat(Files.size(file)).isZero();
    }
}
