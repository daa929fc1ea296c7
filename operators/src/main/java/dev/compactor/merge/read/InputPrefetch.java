package dev.compactor.merge.read;

import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.store.InMemoryInputFile;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches the next inputs of a merge whole, in the order the merge opens them, on one background thread, while
 * the merge re-encodes the current one, so the wait for an object (an S3 round trip, a cold disk) overlaps with
 * work. An input read column by column is also opened there, and its first row group decoded and decompressed
 * unless it is to be copied as bytes: with many small inputs, opening them and decompressing their pages was a
 * quarter of the merge thread's time. Inputs weighing more than a quarter of the budget are not fetched ahead
 * (they are read from the store as the merge reaches them), and what is fetched and decoded but not yet opened
 * never weighs more than the budget, so the merge's memory stays bounded.
 *
 * <p>Not thread-safe: the merge thread opens inputs in order; only the fetching runs elsewhere.
 */
public final class InputPrefetch implements AutoCloseable {

    /**
     * An input as the merge will read it.
     *
     * @param mapping             how its columns are read column by column; null for an input read as records,
     *                            of which only the bytes are fetched
     * @param firstRowGroup what is done ahead with its first row group besides fetching it
     */
    public record Input(InputFooter footer, ColumnMapping mapping, FirstRowGroup firstRowGroup) {

        public Input {
            if (footer == null || firstRowGroup == null) {
                throw new IllegalArgumentException("an input needs its footer and what to do with its first row "
                        + "group, got " + footer + " and " + firstRowGroup);
            }
        }

        boolean decodesAhead() {
            return mapping != null && firstRowGroup != FirstRowGroup.FETCHED && !footer.rowGroups().isEmpty();
        }

        /**
         * What fetching it ahead holds: the file, and the first row group compressed and decompressed, and its
         * arrays when it is decoded into them.
         */
        public long weight() {
            if (!decodesAhead()) {
                return footer.size();
            }
            BlockMetaData first = footer.rowGroups().get(0);
            return footer.size() + first.getCompressedSize() + first.getTotalByteSize()
                    + (firstRowGroup == FirstRowGroup.DECODED_INTO_ARRAYS ? DecodedRowGroup.bytesFor(first) : 0);
        }
    }

    /** How far an input's first row group is taken on the prefetch thread. */
    public enum FirstRowGroup {
        /** Only fetched: it is copied as bytes, or read as records. */
        FETCHED,
        /** Decoded into decompressed pages, to be read value by value ({@link SourceRowGroups#decodeNext}). */
        DECODED,
        /** Decoded into arrays, for a merge that writes batches ({@link SourceRowGroups#decodeNextIntoArrays}). */
        DECODED_INTO_ARRAYS
    }

    /**
     * Inputs decoded ahead hold at most this share of the budget (at least one input): decoded pages waiting many
     * inputs ahead outlive young garbage collections, and copying them there cost more CPU than decoding them
     * saved the merge thread (benchmark (a): 818 against 504 ms of pauses with the whole budget decoded ahead).
     */
    private static final int DECODED_SHARE = 8;

    private final ObjectStore store;
    private final List<Input> inputs;
    private final long budgetBytes;
    private final DecodedArrays arrays;
    private final ExecutorService fetcher;
    private final Map<Integer, Future<Fetched>> ahead = new HashMap<>();
    private long aheadBytes;
    private long decodedAheadBytes;
    private int nextToFetch;

    /** For inputs none of which is decoded into arrays ahead. */
    public InputPrefetch(ObjectStore store, List<Input> inputs, long budgetBytes) {
        this(store, inputs, budgetBytes, DecodedArrays.none());
    }

    /** @param arrays where the arrays of first row groups decoded into arrays ahead come from */
    public InputPrefetch(ObjectStore store, List<Input> inputs, long budgetBytes, DecodedArrays arrays) {
        if (store == null || inputs == null || budgetBytes < 0 || arrays == null) {
            throw new IllegalArgumentException("a prefetch needs a store, inputs, a budget >= 0 and arrays, got "
                    + "budget=" + budgetBytes + ", arrays=" + arrays);
        }
        this.store = store;
        this.inputs = List.copyOf(inputs);
        this.budgetBytes = budgetBytes;
        this.arrays = arrays;
        this.fetcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "merge-prefetch");
            t.setDaemon(true);
            return t;
        });
        fetchAhead();
    }

    /**
     * The file of the input at {@code index}, from memory when it was fetched ahead; starts fetching the ones after
     * it. For an input read as records or as bytes.
     */
    InputFile open(int index) throws IOException {
        Fetched fetched = take(index);
        return fetched == null ? store.inputFile(inputs.get(index).footer().key()) : fetched.file();
    }

    /**
     * The row groups of the input at {@code index}, read column by column, opened (and the first decoded) ahead
     * when it was fetched ahead; starts fetching the ones after it.
     */
    public SourceRowGroups openRowGroups(int index) throws IOException {
        Input in = inputs.get(index);
        if (in.mapping() == null) {
            throw new IllegalArgumentException(in.footer().key() + " is not read column by column");
        }
        Fetched fetched = take(index);
        return fetched != null ? fetched.groups()
                : SourceRowGroups.open(store.inputFile(in.footer().key()), in.footer(), in.mapping());
    }

    /** An input fetched ahead: its bytes, and its row groups when it is read column by column. */
    private record Fetched(InputFile file, SourceRowGroups groups) {}

    private Fetched take(int index) throws IOException {
        Future<Fetched> fetched = ahead.remove(index);
        if (fetched != null) {
            Input in = inputs.get(index);
            aheadBytes -= in.weight();
            decodedAheadBytes -= in.decodesAhead() ? in.weight() : 0;
        }
        nextToFetch = Math.max(nextToFetch, index + 1);
        fetchAhead();
        if (fetched == null) {
            return null;
        }
        String key = inputs.get(index).footer().key();
        try {
            return fetched.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + key);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException("fetching " + key + " failed", cause);
        }
    }

    /** True when an input of this weight is fetched ahead within this budget; heavier ones are read in place. */
    public static boolean fetchesAhead(long weightBytes, long budgetBytes) {
        return weightBytes <= budgetBytes / 4;
    }

    private void fetchAhead() {
        while (nextToFetch < inputs.size()) {
            Input in = inputs.get(nextToFetch);
            long weight = in.weight();
            if (!fetchesAhead(weight, budgetBytes)) {
                nextToFetch++;
                continue;
            }
            if (aheadBytes + weight > budgetBytes || in.decodesAhead() && decodedAheadBytes > 0
                    && decodedAheadBytes + weight > budgetBytes / DECODED_SHARE) {
                return;
            }
            ahead.put(nextToFetch, fetcher.submit(() -> fetch(in)));
            aheadBytes += weight;
            decodedAheadBytes += in.decodesAhead() ? weight : 0;
            nextToFetch++;
        }
    }

    private Fetched fetch(Input in) throws IOException {
        InMemoryInputFile file = new InMemoryInputFile(in.footer().key(), store.read(in.footer().key()));
        if (in.mapping() == null) {
            return new Fetched(file, null);
        }
        SourceRowGroups groups = SourceRowGroups.open(file, in.footer(), in.mapping());
        if (in.decodesAhead()) {
            try {
                groups.decodeAhead(in.firstRowGroup() == FirstRowGroup.DECODED_INTO_ARRAYS ? arrays : null);
            } catch (IOException | RuntimeException e) {
                groups.close();
                throw e;
            }
        }
        return new Fetched(file, groups);
    }

    @Override
    public void close() {
        for (Future<Fetched> f : ahead.values()) {
            if (!f.cancel(true)) {
                closeQuietly(f);
            }
        }
        ahead.clear();
        fetcher.shutdownNow();
    }

    /** Lets go of an input fetched and opened ahead that the merge will not open (it failed or stopped). */
    private static void closeQuietly(Future<Fetched> done) {
        try {
            Fetched fetched = done.get();
            if (fetched.groups() != null) {
                fetched.groups().close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | IOException | RuntimeException e) {
            // nothing to let go of: the fetch failed, and its failure belongs to an input no longer read
        }
    }
}
