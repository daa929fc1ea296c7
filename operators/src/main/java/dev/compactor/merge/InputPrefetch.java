package dev.compactor.merge;

import dev.compactor.store.InMemoryInputFile;
import dev.compactor.store.ObjectStore;
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
 * Fetches the next inputs of a file-order merge whole, on one background thread, while the merge re-encodes the
 * current one, so the wait for an object (an S3 round trip, a cold disk) overlaps with work. Inputs larger than
 * a quarter of the budget are not fetched ahead (they are read from the store as the merge reaches them), and the
 * bytes fetched but not yet opened never exceed the budget, so the merge's memory stays bounded.
 *
 * <p>Not thread-safe: the merge thread opens inputs in order; only the fetching runs elsewhere.
 */
final class InputPrefetch implements AutoCloseable {

    private final ObjectStore store;
    private final List<InputFooter> inputs;
    private final long budgetBytes;
    private final ExecutorService fetcher;
    private final Map<Integer, Future<byte[]>> ahead = new HashMap<>();
    private long aheadBytes;
    private int nextToFetch;

    InputPrefetch(ObjectStore store, List<InputFooter> inputs, long budgetBytes) {
        if (store == null || inputs == null || budgetBytes < 0) {
            throw new IllegalArgumentException("a prefetch needs a store, inputs and a budget >= 0, got budget="
                    + budgetBytes);
        }
        this.store = store;
        this.inputs = inputs;
        this.budgetBytes = budgetBytes;
        this.fetcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "merge-prefetch");
            t.setDaemon(true);
            return t;
        });
        fetchAhead();
    }

    /** The input at {@code index}, from memory when it was fetched ahead; starts fetching the ones after it. */
    InputFile open(int index) throws IOException {
        Future<byte[]> fetched = ahead.remove(index);
        if (fetched != null) {
            aheadBytes -= inputs.get(index).size();
        }
        nextToFetch = Math.max(nextToFetch, index + 1);
        fetchAhead();
        String key = inputs.get(index).key();
        if (fetched == null) {
            return store.inputFile(key);
        }
        try {
            return new InMemoryInputFile(key, fetched.get());
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

    /** True when an input of this size is fetched ahead, whole, within this budget; larger ones are read in place. */
    static boolean fetchesAhead(long sizeBytes, long budgetBytes) {
        return sizeBytes <= budgetBytes / 4;
    }

    private void fetchAhead() {
        while (nextToFetch < inputs.size()) {
            InputFooter in = inputs.get(nextToFetch);
            if (!fetchesAhead(in.size(), budgetBytes)) {
                nextToFetch++;
                continue;
            }
            if (aheadBytes + in.size() > budgetBytes) {
                return;
            }
            ahead.put(nextToFetch, fetcher.submit(() -> store.read(in.key())));
            aheadBytes += in.size();
            nextToFetch++;
        }
    }

    @Override
    public void close() {
        ahead.values().forEach(f -> f.cancel(true));
        ahead.clear();
        fetcher.shutdownNow();
    }
}
