package dev.compactor.window;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runbook's namespace priorities: 0 critical, 1 high, 2 medium, 3 background. A namespace's priority sets how
 * long after its window ends the window may compact (the runbook's "max wait time" per priority, reported as
 * {@code effectiveMaxWaitTimeMs}).
 */
public final class PriorityPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int CRITICAL = 0;
    public static final int BACKGROUND = 3;

    private final long[] waitAfterEndMs;
    private final int defaultPriority;
    private final Map<String, Integer> overrides;

    public PriorityPolicy(List<Duration> waits, int defaultPriority, Map<String, Integer> overrides) {
        if (waits == null || waits.size() != BACKGROUND + 1) {
            throw new IllegalArgumentException("priority waits need exactly 4 durations (priority 0, 1, 2, 3), got "
                    + (waits == null ? "none" : waits.size() + ": " + waits));
        }
        this.waitAfterEndMs = new long[waits.size()];
        for (int p = 0; p < waits.size(); p++) {
            if (waits.get(p).isNegative()) {
                throw new IllegalArgumentException("the wait of priority " + p + " must not be negative, was "
                        + waits.get(p));
            }
            waitAfterEndMs[p] = waits.get(p).toMillis();
        }
        this.defaultPriority = checkPriority(defaultPriority, "default priority");
        this.overrides = new TreeMap<>();
        overrides.forEach((ns, p) -> this.overrides.put(ns, checkPriority(p, "priority of namespace '" + ns + "'")));
    }

    /** The runbook's table: 1 min / 5 min / 15 min / 1 h, default priority 2, no overrides. */
    public static PriorityPolicy runbookDefaults() {
        return new PriorityPolicy(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofHours(1)), 2, Map.of());
    }

    public int priorityOf(String namespace) {
        return overrides.getOrDefault(namespace, defaultPriority);
    }

    public long waitAfterEndMs(int priority) {
        return waitAfterEndMs[checkPriority(priority, "priority")];
    }

    /**
     * Reads a priority as written by an operator ("0".."3"). Anything else (1.5, 7, "high") is an error that says
     * what is accepted.
     */
    public static int parse(String text, String what) {
        String trimmed = text == null ? "" : text.trim();
        if (!trimmed.matches("[0-9]+")) {
            throw new IllegalArgumentException(what + " must be an integer from 0 (critical) to 3 (background), was '"
                    + text + "'");
        }
        return checkPriority(Integer.parseInt(trimmed), what);
    }

    private static int checkPriority(int priority, String what) {
        if (priority < CRITICAL || priority > BACKGROUND) {
            throw new IllegalArgumentException(what + " must be from 0 (critical) to 3 (background), was " + priority);
        }
        return priority;
    }
}
