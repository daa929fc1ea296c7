package dev.compactor.store;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that crashes once a budget of changes (write, create-only write, delete, move) is spent: that change and
 * every later one fail with {@link #CRASH}, as if the process died there. Reads still work, so a test can look at
 * what the crash left. The budget may be shared by the stores a factory opens, and reset to go on.
 */
public final class CrashAfterChangesStore extends ForwardingObjectStore {

    public static final String CRASH = "crash injected";
    private final AtomicInteger budget;

    public CrashAfterChangesStore(ObjectStore delegate, AtomicInteger budget) {
        super(delegate);
        this.budget = budget;
    }

    public CrashAfterChangesStore(ObjectStore delegate, int budget) {
        this(delegate, new AtomicInteger(budget));
    }

    private void change() throws IOException {
        if (budget.getAndDecrement() <= 0) {
            throw new IOException(CRASH);
        }
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        change();
        super.write(key, content);
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] content) throws IOException {
        change();
        return super.writeIfAbsent(key, content);
    }

    @Override
    public boolean delete(String key) throws IOException {
        change();
        return super.delete(key);
    }

    @Override
    public void move(String from, String to) throws IOException {
        change();
        super.move(from, to);
    }
}
