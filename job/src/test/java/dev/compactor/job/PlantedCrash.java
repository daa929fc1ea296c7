package dev.compactor.job;

import dev.compactor.store.FaultyStore;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One crash planted in the local bucket (a {@link FaultyStore} plan): the Nth call of one kind throws an
 * {@link Error}, which fails the Flink task (as a crashed process would) and makes the job restart from its last
 * checkpoint. The counters are static because the MiniCluster runs in the test's JVM and the store is re-created
 * after the restart.
 */
final class PlantedCrash implements FaultyStore.Plan {

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
    public void before(FaultyStore.Call call) {
        if (call.is(FaultyStore.Op.OUTPUT, "_staging/")) {
            maybeCrash(Fault.MERGE_STAGING_WRITE);
        } else if (call.is(FaultyStore.Op.DELETE, "data/")) {
            maybeCrash(Fault.COMMIT_DELETE);
        }
    }

    @Override
    public void after(FaultyStore.Call call) {
        if (call.op() == FaultyStore.Op.MOVE) {
            maybeCrash(Fault.COMMIT_PUBLISH);
        }
    }
}
