package dev.compactor.commit;

import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A store that fails one chosen call, the way a process crash or a network error would interrupt the commit
 * at that point: the call has no effect and every later call works again.
 */
final class FaultyObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private String failingOperation;
    private String failingKeyPrefix;

    FaultyObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** The next {@code operation} ("move", "write", "delete") on a key starting with {@code keyPrefix} fails. */
    FaultyObjectStore failNext(String operation, String keyPrefix) {
        this.failingOperation = operation;
        this.failingKeyPrefix = keyPrefix;
        return this;
    }

    private void maybeFail(String operation, String key) throws IOException {
        if (operation.equals(failingOperation) && key.startsWith(failingKeyPrefix)) {
            failingOperation = null;
            throw new IOException("injected failure: " + operation + " " + key);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return delegate.list(prefix);
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
        maybeFail("write", key);
        delegate.write(key, content);
    }

    @Override
    public void move(String from, String to) throws IOException {
        maybeFail("move", from);
        delegate.move(from, to);
    }

    @Override
    public boolean delete(String key) throws IOException {
        maybeFail("delete", key);
        return delegate.delete(key);
    }
}
