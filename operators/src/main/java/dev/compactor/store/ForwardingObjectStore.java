package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A store that hands every call to another one; a decorator overrides only the calls it changes (announcing
 * changes, injecting faults).
 */
public abstract class ForwardingObjectStore implements ObjectStore {

    private final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    protected ObjectStore delegate() {
        return delegate;
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public List<ObjectInfo> list(String prefix, Predicate<String> skipDirectory) throws IOException {
        return delegate.list(prefix, skipDirectory);
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        return delegate.head(key);
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        return delegate.inputFile(key);
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        return delegate.outputFile(key);
    }

    @Override
    public byte[] read(String key) throws IOException {
        return delegate.read(key);
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        delegate.write(key, content);
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] content) throws IOException {
        return delegate.writeIfAbsent(key, content);
    }

    @Override
    public void move(String from, String to) throws IOException {
        delegate.move(from, to);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return delegate.delete(key);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
