package dev.compactor.job;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many faults of each kind a failure-injection suite may still inject, drawn from a seeded random source, and
 * what it injected. Each kind has its own budget, so every kind gets its share. Shared by the threads of the
 * MiniCluster, which runs in the test's JVM; without {@link #start} nothing is drawn.
 */
public final class FaultBudget<K extends Enum<K>> {

    private final Class<K> kinds;
    private final Map<K, Integer> left;
    private final AtomicInteger injected = new AtomicInteger();
    private final Map<String, AtomicInteger> byKind = new ConcurrentHashMap<>();
    private Random random;

    public FaultBudget(Class<K> kinds) {
        this.kinds = kinds;
        this.left = new EnumMap<>(kinds);
    }

    public synchronized void start(long seed, int perKind) {
        random = new Random(seed);
        for (K kind : kinds.getEnumConstants()) {
            left.put(kind, perKind);
        }
        injected.set(0);
        byKind.clear();
    }

    public synchronized void stop() {
        left.clear();
    }

    /** Every kind's budget is spent (or the suite stopped). */
    public synchronized boolean spent() {
        return left.values().stream().allMatch(n -> n <= 0);
    }

    /** Whether to inject a fault of {@code kind} now, with the given chance; one is taken from its budget if so. */
    public synchronized boolean draw(K kind, double probability) {
        int n = left.getOrDefault(kind, 0);
        if (n <= 0 || random.nextDouble() >= probability) {
            return false;
        }
        left.put(kind, n - 1);
        return true;
    }

    /** A seeded coin, for how a drawn fault shows itself. */
    public synchronized boolean coin() {
        return random.nextBoolean();
    }

    /** Counts one injected fault under {@code label}. */
    public void count(String label) {
        injected.incrementAndGet();
        byKind.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
    }

    public int injected() {
        return injected.get();
    }

    /** Faults injected so far, by label. */
    public Map<String, AtomicInteger> byKind() {
        return byKind;
    }
}
