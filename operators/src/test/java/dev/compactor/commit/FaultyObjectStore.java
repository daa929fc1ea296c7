package dev.compactor.commit;

import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.ObjectStore;

import java.io.IOException;

/**
 * A store that fails one chosen call, the way a process crash or a network error would interrupt the commit
 * at that point: the call has no effect and every later call works again.
 */
final class FaultyObjectStore extends ForwardingObjectStore {

    private String failingOperation;
    private String failingKeyPrefix;

    FaultyObjectStore(ObjectStore delegate) {
        super(delegate);
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
    public void write(String key, byte[] content) throws IOException {
        maybeFail("write", key);
        delegate().write(key, content);
    }

    /** Counts as a "write": the manifest is written create-only. */
    @Override
    public boolean writeIfAbsent(String key, byte[] content) throws IOException {
        maybeFail("write", key);
        return delegate().writeIfAbsent(key, content);
    }

    @Override
    public void move(String from, String to) throws IOException {
        maybeFail("move", from);
        delegate().move(from, to);
    }

    @Override
    public boolean delete(String key) throws IOException {
        maybeFail("delete", key);
        return delegate().delete(key);
    }
}
