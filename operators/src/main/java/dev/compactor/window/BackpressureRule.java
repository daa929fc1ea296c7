package dev.compactor.window;

import java.io.Serializable;

/**
 * The runbook's backpressure: {@code normal} from {@code normalAt} windows in flight (handed to the merge, not yet
 * committed), {@code severe} from {@code severeAt}. Under any backpressure background windows (priority 3) wait;
 * under severe backpressure priorities 1 and 2 wait too; critical windows (priority 0) never wait. A held window
 * is not lost: it dispatches once in-flight windows commit and the level drops. Only windows in flight count, so
 * held windows can never hold themselves back.
 */
public record BackpressureRule(int normalAt, int severeAt) implements Serializable {

    public BackpressureRule {
        if (normalAt < 1 || severeAt < normalAt) {
            throw new IllegalArgumentException("backpressure thresholds need 1 <= normal <= severe, were normal="
                    + normalAt + ", severe=" + severeAt);
        }
    }

    public static BackpressureRule runbookDefaults() {
        return new BackpressureRule(10, 20);
    }

    public Backpressure level(int windowsInFlight) {
        if (windowsInFlight >= severeAt) {
            return Backpressure.SEVERE;
        }
        return windowsInFlight >= normalAt ? Backpressure.NORMAL : Backpressure.NONE;
    }

    public boolean holds(int priority, Backpressure level) {
        return switch (level) {
            case NONE -> false;
            case NORMAL -> priority == PriorityPolicy.BACKGROUND;
            case SEVERE -> priority != PriorityPolicy.CRITICAL;
        };
    }
}
