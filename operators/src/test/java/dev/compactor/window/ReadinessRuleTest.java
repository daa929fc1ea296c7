package dev.compactor.window;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.compactor.window.ReadinessRule.Verdict.BACKING_OFF;
import static dev.compactor.window.ReadinessRule.Verdict.NOT_PENDING;
import static dev.compactor.window.ReadinessRule.Verdict.READY;
import static dev.compactor.window.ReadinessRule.Verdict.TOO_FEW_FILES;
import static dev.compactor.window.ReadinessRule.Verdict.WAITING_FOR_WRITERS;
import static dev.compactor.window.ReadinessRule.Verdict.WINDOW_TOO_RECENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadinessRuleTest {

    private static final long END = 3_600_000;
    private static final long WAIT = 300_000;
    private static final long FORCE = 3_600_000;
    private final ReadinessRule rule = new ReadinessRule(new WindowRules(END, WAIT, 2, 1_800_000, 300_000, FORCE));

    private static WindowRecord window(int files, long lastArrival) {
        WindowRecord w = WindowRecord.open("ns", 0, END, 0);
        for (int i = 0; i < files; i++) {
            w.addFile(10, lastArrival);
        }
        return w;
    }

    @Test
    void waitsMaxWaitAfterTheWindowEnds() {
        WindowRecord w = window(2, END - 1);
        assertEquals(WINDOW_TOO_RECENT, rule.evaluate(w, END + WAIT - 1, 0, WAIT, List.of(), x -> true));
        assertEquals(READY, rule.evaluate(w, END + WAIT, 0, WAIT, List.of(), x -> true));
    }

    @Test
    void needsMinFilesUntilForceAfterPasses() {
        assertEquals(TOO_FEW_FILES, rule.evaluate(window(1, 0), END + WAIT, 0, WAIT, List.of(), x -> true));
        assertEquals(TOO_FEW_FILES, rule.evaluate(window(1, 0), END + FORCE - 1, 0, WAIT, List.of(), x -> true));
        assertEquals(READY, rule.evaluate(window(1, 0), END + FORCE, 0, WAIT, List.of(), x -> true));
    }

    @Test
    void laterGenerationsDoNotWaitForMinFiles() {
        WindowRecord late = WindowRecord.open("ns", 0, END, 1);
        late.addFile(10, END + 1);
        assertEquals(READY, rule.evaluate(late, END + 1 + WAIT, 0, WAIT, List.of(), x -> true));
    }

    @Test
    void missingActiveWriterHoldsTheWindowUntilMaxWaitAfterTheLastArrival() {
        long lateArrival = END + 100_000;
        WindowRecord w = window(2, lateArrival);
        Set<String> present = Set.of("a");
        assertEquals(WAITING_FOR_WRITERS, rule.evaluate(w, END + WAIT, 0, WAIT, List.of("a", "b"), present::contains));
        assertEquals(READY, rule.evaluate(w, END + WAIT, 0, WAIT, List.of("a"), present::contains));
        assertEquals(READY, rule.evaluate(w, lateArrival + WAIT, 0, WAIT, List.of("a", "b"), present::contains));
    }

    @Test
    void frozenWindowBackInPendingIsReadyAfterItsBackoffAndProcessingIsNot() throws Exception {
        WindowRecord w = window(1, 0);
        w.dispatched(5);
        assertEquals(NOT_PENDING, rule.evaluate(w, Long.MAX_VALUE, 0, WAIT, List.of(), x -> true));
        w.attemptFailed("timeout", 100, new RetryPolicy(3, 50, 1_000));
        assertEquals(BACKING_OFF, rule.evaluate(w, 0, 149, WAIT, List.of("x"), x -> false));
        assertEquals(READY, rule.evaluate(w, 0, 150, WAIT, List.of("x"), x -> false));
    }

    @Test
    void priorityWaitDecidesWhenAWindowMayCompact() {
        WindowRecord w = window(2, END - 1);
        long critical = 60_000;
        assertEquals(WINDOW_TOO_RECENT, rule.evaluate(w, END + critical - 1, 0, critical, List.of(), x -> true));
        assertEquals(READY, rule.evaluate(w, END + critical, 0, critical, List.of(), x -> true));
    }

    @Test
    void checkTimesAreWindowEndAndLastArrivalPlusMaxWaitAndTheForcedTime() {
        assertArrayEquals(new long[] {END + WAIT, END + 7 + WAIT, END + FORCE}, rule.checkTimes(window(2, END + 7), WAIT));
    }
}
