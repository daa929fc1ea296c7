package dev.compactor.window;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Priorities, backpressure and retries: the runbook's tables as plain rules. */
class SchedulingPoliciesTest {

    @Test
    void priorityWaitsAreTheRunbooksTable() {
        PriorityPolicy p = new PriorityPolicy(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15), Duration.ofHours(1)), 2, Map.of("users", 0, "logs", 3));
        assertEquals(0, p.priorityOf("users"));
        assertEquals(3, p.priorityOf("logs"));
        assertEquals(2, p.priorityOf("anything-else"));
        assertEquals(60_000, p.waitAfterEndMs(0));
        assertEquals(300_000, p.waitAfterEndMs(1));
        assertEquals(900_000, p.waitAfterEndMs(2), "the runbook's status example: priority 2 waits 900000 ms");
        assertEquals(3_600_000, p.waitAfterEndMs(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "7", "-1", "high", ""})
    void onlyIntegerPrioritiesFromZeroToThree(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PriorityPolicy.parse(text, "priority of namespace 'users'"));
        assertTrue(e.getMessage().contains("priority of namespace 'users'"), e.getMessage());
        assertTrue(e.getMessage().contains("0 (critical) to 3 (background)"), e.getMessage());
    }

    @Test
    void priorityPolicyRefusesBadTables() {
        assertThrows(IllegalArgumentException.class,
                () -> new PriorityPolicy(List.of(Duration.ofMinutes(1)), 2, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new PriorityPolicy(List.of(Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO), 4, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new PriorityPolicy(List.of(Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO), 2, Map.of("x", 9)));
        assertEquals(3, PriorityPolicy.parse(" 3 ", "p"));
    }

    @Test
    void backpressureLevelsAtTheRunbooksBoundaries() {
        BackpressureRule rule = BackpressureRule.runbookDefaults();
        assertEquals(Backpressure.NONE, rule.level(9));
        assertEquals(Backpressure.NORMAL, rule.level(10));
        assertEquals(Backpressure.NORMAL, rule.level(19));
        assertEquals(Backpressure.SEVERE, rule.level(20));
    }

    @Test
    void whoWaitsUnderBackpressure() {
        BackpressureRule rule = BackpressureRule.runbookDefaults();
        for (int p = 0; p <= 3; p++) {
            assertFalse(rule.holds(p, Backpressure.NONE));
        }
        assertFalse(rule.holds(0, Backpressure.NORMAL));
        assertFalse(rule.holds(1, Backpressure.NORMAL));
        assertFalse(rule.holds(2, Backpressure.NORMAL));
        assertTrue(rule.holds(3, Backpressure.NORMAL));
        assertFalse(rule.holds(0, Backpressure.SEVERE), "critical windows are never held");
        assertTrue(rule.holds(1, Backpressure.SEVERE));
        assertTrue(rule.holds(2, Backpressure.SEVERE));
        assertTrue(rule.holds(3, Backpressure.SEVERE));
        assertThrows(IllegalArgumentException.class, () -> new BackpressureRule(10, 5));
    }

    @Test
    void retriesBackOffExponentiallyAndStopAtMaxAttempts() {
        RetryPolicy retries = new RetryPolicy(5, 1_000, 5_000);
        assertEquals(1_000, retries.backoffAfter(1));
        assertEquals(2_000, retries.backoffAfter(2));
        assertEquals(4_000, retries.backoffAfter(3));
        assertEquals(5_000, retries.backoffAfter(4), "capped");
        assertFalse(retries.exhausted(4));
        assertTrue(retries.exhausted(5));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, 1, 1));
    }

    @Test
    void stateMachineRefusesTransitionsItDoesNotAllow() throws Exception {
        WindowRecord w = WindowRecord.open("ns", 0, 10, 0);
        assertThrows(InvalidTransitionException.class, () -> w.staged(1));
        assertThrows(InvalidTransitionException.class, () -> w.attemptFailed("x", 1, RetryPolicy.defaults()));
        assertThrows(InvalidTransitionException.class, () -> w.rolledBack("x"));
        assertEquals(WindowState.PENDING, w.state, "a refused change is not applied");
        w.dispatched(1);
        assertThrows(InvalidTransitionException.class, () -> w.dispatched(2));
        w.staged(3);
        assertEquals(WindowState.DISPATCHED, w.state);
        w.attemptFailed("lost part", 4, new RetryPolicy(1, 0, 0));
        assertEquals(WindowState.FAILED, w.state);
        assertThrows(InvalidTransitionException.class, () -> w.dispatched(5));
        w.rolledBack("operator");
        assertEquals(WindowState.PENDING, w.state);
        assertTrue(w.frozen, "a rolled-back window keeps its file set");
    }
}
