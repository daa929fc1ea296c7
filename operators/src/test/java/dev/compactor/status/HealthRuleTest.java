package dev.compactor.status;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The runbook's thresholds at their boundaries: equal is fine, one above warns, one above critical is unhealthy. */
class HealthRuleTest {

    private static final long HOUR = 3_600_000;
    private final HealthRule rule = new HealthRule(HealthThresholds.runbookDefaults());

    private HealthLevel level(int stuck, long age, int active, long pending) {
        return rule.evaluate(stuck, age, active, pending, 0).status();
    }

    @Test
    void stuckWindows() {
        assertEquals(HealthLevel.HEALTHY, level(0, 0, 0, 0));
        assertEquals(HealthLevel.DEGRADED, level(1, 0, 0, 0));
        assertEquals(HealthLevel.DEGRADED, level(3, 0, 0, 0));
        assertEquals(HealthLevel.UNHEALTHY, level(4, 0, 0, 0));
    }

    @Test
    void oldestWindowAge() {
        assertEquals(HealthLevel.HEALTHY, level(0, 2 * HOUR, 0, 0));
        assertEquals(HealthLevel.DEGRADED, level(0, 2 * HOUR + 1, 0, 0));
        assertEquals(HealthLevel.DEGRADED, level(0, 4 * HOUR, 0, 0));
        assertEquals(HealthLevel.UNHEALTHY, level(0, 4 * HOUR + 1, 0, 0));
    }

    @Test
    void activeWindows() {
        assertEquals(HealthLevel.HEALTHY, level(0, 0, 10, 0));
        assertEquals(HealthLevel.DEGRADED, level(0, 0, 11, 0));
        assertEquals(HealthLevel.DEGRADED, level(0, 0, 20, 0));
        assertEquals(HealthLevel.UNHEALTHY, level(0, 0, 21, 0));
    }

    @Test
    void pendingFiles() {
        assertEquals(HealthLevel.HEALTHY, level(0, 0, 0, 1000));
        assertEquals(HealthLevel.DEGRADED, level(0, 0, 0, 1001));
        assertEquals(HealthLevel.DEGRADED, level(0, 0, 0, 5000));
        assertEquals(HealthLevel.UNHEALTHY, level(0, 0, 0, 5001));
    }

    @Test
    void failedWindowsDegrade() {
        assertEquals(HealthLevel.DEGRADED, rule.evaluate(0, 0, 0, 0, 1).status());
    }

    @Test
    void worstMetricWinsAndEveryIssueIsListed() {
        Health h = rule.evaluate(1, 5 * HOUR, 0, 0, 1);
        assertEquals(HealthLevel.UNHEALTHY, h.status());
        assertEquals(3, h.issues().size(), h.issues().toString());
    }

    @Test
    void thresholdsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new HealthThresholds(3, 1, 0, 0, 0, 0, 0, 0));
    }
}
