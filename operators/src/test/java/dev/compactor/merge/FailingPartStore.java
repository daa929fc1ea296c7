package dev.compactor.merge;

import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;

/** A real local bucket whose writes to one key fail, as a full disk or a lost connection would. */
final class FailingPartStore extends ForwardingObjectStore {

    private final String failingKey;
    private final boolean unchecked;

    FailingPartStore(LocalObjectStore bucket, String failingKey) {
        this(bucket, failingKey, false);
    }

    /** @param unchecked fail with a RuntimeException, as some store clients do, instead of an IOException */
    FailingPartStore(LocalObjectStore bucket, String failingKey, boolean unchecked) {
        super(bucket);
        this.failingKey = failingKey;
        this.unchecked = unchecked;
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        if (key.equals(failingKey)) {
            if (unchecked) {
                throw new IllegalStateException("injected unchecked write failure for " + key);
            }
            throw new IOException("injected write failure for " + key);
        }
        return delegate().outputFile(key);
    }
}
