package dev.compactor.job.aws;

import dev.compactor.job.FaultBudget;

/**
 * The faults that {@link S3Faults} and {@link KinesisFaults} inject into the AWS SDK's calls, while a test has started
 * them: S3 requests that time out, answer 500 or are throttled (503 SlowDown), and Kinesis reads that answer 500 or
 * are throttled. Each kind has a budget, so every kind gets its share. Half the faults are an outage of the call:
 * every retry the SDK makes fails the same way, so the error reaches the job; the others fail one attempt, which
 * the SDK's retries absorb. Each failed attempt counts as an injected fault. The state is static: the interceptors
 * are created by the SDK for every client, in the test's JVM (the MiniCluster runs there). Without
 * {@code BUDGET.start} nothing is injected.
 */
public final class AwsFaults {

    public enum Kind {
        S3_TIMEOUT("S3", 0.01), S3_SERVER_ERROR("S3", 0.01), S3_THROTTLED("S3", 0.01),
        KINESIS_SERVER_ERROR("Kinesis", 0.1), KINESIS_THROTTLED("Kinesis", 0.1);

        final String service;
        final double probability;

        Kind(String service, double probability) {
            this.service = service;
            this.probability = probability;
        }
    }

    /** Threads of the test itself (its writers, its checks), which must see the store as it is. */
    private static final ThreadLocal<Boolean> EXEMPT = ThreadLocal.withInitial(() -> false);
    public static final FaultBudget<Kind> BUDGET = new FaultBudget<>(Kind.class);

    private AwsFaults() {}

    /** No fault for the calling thread from now on: a thread of the test, not of the job. */
    public static void exemptCurrentThread() {
        EXEMPT.set(true);
    }

    /** A fault for one attempt; {@code outage} when every later attempt of the same call fails too. */
    record Fault(Kind kind, boolean outage) {}

    /**
     * The fault to inject into this attempt of a call to {@code service}, or null for none; {@code ongoing} is the
     * outage of an earlier attempt of the same call, if any, which fails this one too.
     */
    static Fault next(String service, Kind ongoing) {
        if (EXEMPT.get()) {
            return null;
        }
        if (ongoing != null) {
            BUDGET.count(ongoing.name());
            return new Fault(ongoing, true);
        }
        for (Kind kind : Kind.values()) {
            if (kind.service.equals(service) && BUDGET.draw(kind, kind.probability)) {
                BUDGET.count(kind.name());
                return new Fault(kind, BUDGET.coin());
            }
        }
        return null;
    }
}
