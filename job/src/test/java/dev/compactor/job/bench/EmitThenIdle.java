package dev.compactor.job.bench;

import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Lets a single source subtask emit a fixed number of records as fast as it can, then keeps it open without
 * emitting. A finished source would send the end-of-input watermark, which fires every window's timers and
 * dispatches the state the benchmark is there to measure.
 */
final class EmitThenIdle implements RateLimiterStrategy {
    private static final long serialVersionUID = 1L;

    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    private final long records;

    EmitThenIdle(long records) {
        this.records = records;
    }

    @Override
    public RateLimiter createRateLimiter(int parallelism) {
        if (parallelism != 1) {
            throw new IllegalArgumentException("the generating source must run as one subtask, was " + parallelism);
        }
        CompletableFuture<Void> never = new CompletableFuture<>();
        return new RateLimiter() {
            private long remaining = records;

            @Override
            public CompletionStage<Void> acquire() {
                if (remaining == 0) {
                    return never;
                }
                remaining--;
                return NOW;
            }
        };
    }
}
