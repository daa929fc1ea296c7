package dev.compactor.merge.decode;

import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.io.ParquetDecodingException;

import java.util.Arrays;

/**
 * Decodes Parquet's RLE / bit-packing hybrid (definition levels, dictionary indexes) straight into an int array.
 * parquet-java's decoder returns one value per call and allocates two arrays per bit-packed run; a page of small
 * files' dictionary indexes is many short runs, and that allocation was a sixth of a merge's garbage.
 */
final class RunLengthBitPackedInts {

    private RunLengthBitPackedInts() {}

    /**
     * Decodes {@code count} values of {@code bitWidth} bits from {@code in[from, to)} into {@code out[0, count)}.
     *
     * @throws ParquetDecodingException when the runs end before {@code count} values or run past {@code to}
     */
    static void decode(byte[] in, int from, int to, int bitWidth, int[] out, int count) {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new ParquetDecodingException("a bit width of " + bitWidth);
        }
        BytePacker packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
        int valueBytes = (bitWidth + 7) / 8;
        int[] tail = null;
        int at = from;
        int done = 0;
        while (done < count) {
            // the run's header, an unsigned LEB128 varint: run length and kind
            long header = 0;
            for (int shift = 0; ; shift += 7) {
                check(at < to && shift < 35, "a run header runs past its data");
                int b = in[at++] & 0xFF;
                header |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if ((header & 1) == 0) {
                long length = header >>> 1;
                check(length > 0 && at + valueBytes <= to, "an empty or cut repeated run");
                int value = 0;
                for (int i = 0; i < valueBytes; i++) {
                    value |= (in[at++] & 0xFF) << (8 * i);
                }
                int n = (int) Math.min(length, count - done);
                Arrays.fill(out, done, done + n, value);
                done += n;
            } else {
                long groups = header >>> 1;
                check(groups > 0 && at + groups * bitWidth <= to, "a bit-packed run runs past its data");
                for (long g = 0; g < groups && done < count; g++) {
                    if (count - done >= 8) {
                        packer.unpack8Values(in, at, out, done);
                        done += 8;
                    } else {
                        // the last group is padded past the values wanted
                        tail = tail == null ? new int[8] : tail;
                        packer.unpack8Values(in, at, tail, 0);
                        System.arraycopy(tail, 0, out, done, count - done);
                        done = count;
                    }
                    at += bitWidth;
                }
            }
        }
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new ParquetDecodingException(problem);
        }
    }
}
