package dev.compactor.job;

import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.ObjectStore;

import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local bucket with one crash planted in it: the Nth call of one kind throws an {@link Error}, which fails the
 * Flink task (as a crashed process would) and makes the job restart from its last checkpoint. The counters are
 * static because the MiniCluster runs in the test's JVM and the store is re-created after the restart.
 */
final class FaultInjectingStore extends ForwardingObjectStore {

    enum Fault {
        /** While a merge writes its staging parts. */
        MERGE_STAGING_WRITE,
        /** After the commit published one part, before the rest and the manifest. */
        COMMIT_PUBLISH,
        /** After the manifest was written, while sources are deleted. */
        COMMIT_DELETE
    }

    static volatile Fault armed;
    static final AtomicInteger CALLS = new AtomicInteger();
    static final AtomicInteger CRASHES = new AtomicInteger();
    private static final int CRASH_ON_CALL = 2;

    static final class InjectedCrash extends Error {
        InjectedCrash(Fault site) {
            super("injected crash at " + site);
        }
    }

    FaultInjectingStore(ObjectStore delegate) {
        super(delegate);
    }

    static void arm(Fault fault) {
        CALLS.set(0);
        CRASHES.set(0);
        armed = fault;
    }

    private static void maybeCrash(Fault site) {
        if (armed == site && CALLS.incrementAndGet() == CRASH_ON_CALL) {
            armed = null;
            CRASHES.incrementAndGet();
            throw new InjectedCrash(site);
        }
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        if (key.startsWith("_staging/")) {
            maybeCrash(Fault.MERGE_STAGING_WRITE);
        }
        return delegate().outputFile(key);
    }

    @Override
    public void move(String from, String to) throws IOException {
        delegate().move(from, to);
        maybeCrash(Fault.COMMIT_PUBLISH);
    }

    @Override
    public boolean delete(String key) throws IOException {
        if (key.startsWith("data/")) {
            maybeCrash(Fault.COMMIT_DELETE);
        }
        return delegate().delete(key);
    }
}
