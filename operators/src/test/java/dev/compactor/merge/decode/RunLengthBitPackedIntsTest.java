package dev.compactor.merge.decode;

import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLengthBitPackedIntsTest {

    /** What parquet-java's encoder writes, for every width, with repeated and bit-packed runs mixed. */
    @Test
    void decodesWhatParquetJavaEncodes() throws IOException {
        Random random = new Random(9);
        for (int bitWidth = 0; bitWidth <= 32; bitWidth++) {
            int count = 1 + random.nextInt(3000);
            int[] values = new int[count];
            for (int i = 0; i < count; ) {
                int run = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
                int value = draw(random, bitWidth);
                for (int j = 0; j < run && i < count; j++, i++) {
                    values[i] = random.nextInt(4) == 0 ? draw(random, bitWidth) : value;
                }
            }
            byte[] encoded = encode(bitWidth, values);
            // decoded from the middle of a larger array, as from a page
            byte[] page = new byte[encoded.length + 10];
            System.arraycopy(encoded, 0, page, 5, encoded.length);
            int[] out = new int[count];

            RunLengthBitPackedInts.decode(page, 5, 5 + encoded.length, bitWidth, out, count);

            assertArrayEquals(values, out, "bit width " + bitWidth);
        }
    }

    @Test
    void runsCutShortAreAnError() throws IOException {
        int[] values = new int[100];
        Arrays.setAll(values, i -> i % 7);
        byte[] encoded = encode(3, values);
        int[] out = new int[100];

        ParquetDecodingException cut = assertThrows(ParquetDecodingException.class,
                () -> RunLengthBitPackedInts.decode(encoded, 0, encoded.length - 2, 3, out, 100));
        assertTrue(cut.getMessage().contains("runs past its data"), cut.getMessage());
        ParquetDecodingException tooFew = assertThrows(ParquetDecodingException.class,
                () -> RunLengthBitPackedInts.decode(encoded, 0, encoded.length, 3, new int[200], 200));
        assertTrue(tooFew.getMessage().contains("runs past its data"), tooFew.getMessage());
        assertThrows(ParquetDecodingException.class,
                () -> RunLengthBitPackedInts.decode(encoded, 0, encoded.length, 33, out, 100));
    }

    /** A value of {@code bitWidth} bits. */
    private static int draw(Random random, int bitWidth) {
        return bitWidth == 32 ? random.nextInt() : random.nextInt() & (int) ((1L << bitWidth) - 1);
    }

    private static byte[] encode(int bitWidth, int[] values) throws IOException {
        try (RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 64, 1 << 20,
                new HeapByteBufferAllocator())) {
            for (int v : values) {
                encoder.writeInt(v);
            }
            return encoder.toBytes().toByteArray();
        }
    }
}
