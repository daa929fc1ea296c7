package dev.compactor.merge.decode;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * The arrays of decoded row groups ({@link DecodedColumn}) a merge has let go of, kept for the next row groups it
 * decodes. A sorted merge keeps each open input's row group decoded while it takes rows from it, for about as
 * long as young garbage collections come: new arrays for every row group were copied to the survivor spaces and
 * promoted, which cost pauses and full collections; arrays taken from here are already old and cost neither.
 *
 * <p>An array handed out may be longer than asked for, by at most an eighth; what is kept never weighs more than
 * the limit given, beyond which arrays let go are left to the collector. Thread-safe: the thread that fetches
 * inputs ahead decodes, the merge thread lets go.
 */
public final class DecodedArrays {

    private final long keptLimitBytes;
    private long keptBytes;
    private final Shelf<long[]> longs = new Shelf<>(long[]::new, a -> a.length, Long.BYTES);
    private final Shelf<int[]> ints = new Shelf<>(int[]::new, a -> a.length, Integer.BYTES);
    private final Shelf<byte[]> bytes = new Shelf<>(byte[]::new, a -> a.length, 1);

    /** @param keptLimitBytes what arrays kept for reuse may weigh at most; 0 keeps none */
    public DecodedArrays(long keptLimitBytes) {
        if (keptLimitBytes < 0) {
            throw new IllegalArgumentException("a limit of kept arrays must be >= 0, got " + keptLimitBytes);
        }
        this.keptLimitBytes = keptLimitBytes;
    }

    /** What an array asked to hold {@code wanted} elements (or bytes) may hold at most. */
    static long withSlack(long wanted) {
        return wanted + wanted / 8;
    }

    /** Arrays that are never kept: every one asked for is new. */
    public static DecodedArrays none() {
        return new DecodedArrays(0);
    }

    /** An array of at least {@code length} longs; its contents are undefined. */
    synchronized long[] longs(int length) {
        return longs.take(length);
    }

    /** An array of at least {@code length} ints; its contents are undefined. */
    synchronized int[] ints(int length) {
        return ints.take(length);
    }

    /** An array of at least {@code length} bytes; its contents are undefined. */
    synchronized byte[] bytes(int length) {
        return bytes.take(length);
    }

    /** Keeps a byte array no longer used (null: nothing). */
    synchronized void letGo(byte[] array) {
        bytes.keep(array);
    }

    /** Keeps every array of a decoded row group, which must not be used after. */
    public synchronized void letGo(DecodedRowGroup group) {
        for (DecodedColumn column : group.columns) {
            longs.keep(column.longs);
            ints.keep(column.starts);
            ints.keep(column.lengths);
            ints.keep(column.ids);
            bytes.keep(column.data);
        }
    }

    synchronized long keptBytes() {
        return keptBytes;
    }

    /** Arrays of one type kept by length. */
    private final class Shelf<A> {
        private final TreeMap<Integer, ArrayDeque<A>> byLength = new TreeMap<>();
        private final IntFunction<A> create;
        private final ToIntFunction<A> length;
        private final int elementBytes;

        Shelf(IntFunction<A> create, ToIntFunction<A> length, int elementBytes) {
            this.create = create;
            this.length = length;
            this.elementBytes = elementBytes;
        }

        A take(int wanted) {
            Map.Entry<Integer, ArrayDeque<A>> fitting = byLength.ceilingEntry(wanted);
            if (fitting == null || fitting.getKey() > withSlack(wanted)) {
                return create.apply(wanted);
            }
            A array = fitting.getValue().poll();
            if (fitting.getValue().isEmpty()) {
                byLength.remove(fitting.getKey());
            }
            keptBytes -= (long) fitting.getKey() * elementBytes;
            return array;
        }

        void keep(A array) {
            if (array == null) {
                return;
            }
            int n = length.applyAsInt(array);
            long weight = (long) n * elementBytes;
            if (keptBytes + weight <= keptLimitBytes) {
                byLength.computeIfAbsent(n, k -> new ArrayDeque<>()).push(array);
                keptBytes += weight;
            }
        }
    }
}
