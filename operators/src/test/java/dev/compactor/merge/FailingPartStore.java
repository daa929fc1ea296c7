package dev.compactor.merge;

import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** A real local bucket whose writes to one key fail, as a full disk or a lost connection would. */
final class FailingPartStore implements ObjectStore {

    private final LocalObjectStore bucket;
    private final String failingKey;
    private final boolean unchecked;

    FailingPartStore(LocalObjectStore bucket, String failingKey) {
        this(bucket, failingKey, false);
    }

    /** @param unchecked fail with a RuntimeException, as some store clients do, instead of an IOException */
    FailingPartStore(LocalObjectStore bucket, String failingKey, boolean unchecked) {
        this.bucket = bucket;
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
        return bucket.outputFile(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return bucket.list(prefix);
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        return bucket.head(key);
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        return bucket.inputFile(key);
    }

    @Override
    public byte[] read(String key) throws IOException {
        return bucket.read(key);
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        bucket.write(key, content);
    }

    @Override
    public void move(String from, String to) throws IOException {
        bucket.move(from, to);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return bucket.delete(key);
    }
}
