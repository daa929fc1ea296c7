package dev.compactor.window;

import java.io.Serializable;
import java.util.Objects;

/** Everything WindowTracker decides with: windows and waits, priorities, backpressure, retries. */
public record SchedulingRules(WindowRules windows, PriorityPolicy priorities, BackpressureRule backpressure,
                              RetryPolicy retries) implements Serializable {

    public SchedulingRules {
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(priorities, "priorities");
        Objects.requireNonNull(backpressure, "backpressure");
        Objects.requireNonNull(retries, "retries");
    }

    public static SchedulingRules runbookDefaults() {
        return new SchedulingRules(WindowRules.runbookDefaults(), PriorityPolicy.runbookDefaults(),
                BackpressureRule.runbookDefaults(), RetryPolicy.defaults());
    }
}
