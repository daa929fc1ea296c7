package dev.compactor.window;

import java.io.Serializable;

/**
 * How a window whose merge attempt failed or timed out is retried: after an exponential backoff (base, doubled per
 * failed attempt, capped), and not at all once {@code maxAttempts} attempts have failed — the window is then marked
 * failed, its files untouched, until an operator rolls it back.
 */
public record RetryPolicy(int maxAttempts, long backoffMs, long maxBackoffMs) implements Serializable {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, was " + maxAttempts);
        }
        if (backoffMs < 0 || maxBackoffMs < backoffMs) {
            throw new IllegalArgumentException("retry backoff needs 0 <= base <= max, were base=" + backoffMs
                    + " ms, max=" + maxBackoffMs + " ms");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, 30_000, 30 * 60_000);
    }

    public boolean exhausted(int failedAttempts) {
        return failedAttempts >= maxAttempts;
    }

    /** Wait before the next attempt after {@code failedAttempts} (>= 1) failed ones. */
    public long backoffAfter(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
        return Math.min(backoffMs << doublings, maxBackoffMs);
    }
}
