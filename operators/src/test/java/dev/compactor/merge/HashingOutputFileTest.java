package dev.compactor.merge;

import dev.compactor.store.WrappingOutputFile;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashingOutputFileTest {

    @TempDir
    Path dir;

    /** Writes of every size, single bytes and flushes among them, across and exactly on chunk boundaries. */
    @Test
    void hashesAndWritesEveryByteInOrderWhateverTheWriteSizes() throws Exception {
        Random random = new Random(7);
        Path file = dir.resolve("part.parquet");
        HashingOutputFile output = new HashingOutputFile(new LocalOutputFile(file));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int chunk = HashingOutputFile.CHUNK_BYTES;
        int[] sizes = {1, chunk - 1, 1, chunk, 0, 3 * chunk + 5, 8192, chunk - 8192, 70_000, 5 * chunk, 17};
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

    @Test
    void aWriteTheTargetRefusesFailsTheWriteThatHandsItsChunkOver() throws Exception {
        Path file = dir.resolve("part.parquet");
        HashingOutputFile output = new HashingOutputFile(new WrappingOutputFile(new LocalOutputFile(file)) {
            @Override
            protected PositionOutputStream wrap(PositionOutputStream out) {
                return new PositionOutputStream() {
                    @Override
                    public long getPos() throws IOException {
                        return out.getPos();
                    }

                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("No space left on device");
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new IOException("No space left on device");
                    }

                    @Override
                    public void close() throws IOException {
                        out.close();
                    }
                };
            }
        });
        PositionOutputStream out = output.createOrOverwrite(0);
        out.write(new byte[HashingOutputFile.CHUNK_BYTES]); // fills the first chunk, written on the next write
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessage("No space left on device");
        // closing still tries to write what it gathered, and fails the same way
        assertThatThrownBy(out::close).hasMessage("No space left on device");
        assertThat(Files.size(file)).isZero();
    }
}
