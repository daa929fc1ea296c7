package dev.compactor.window;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowRulesTest {

    private final WindowRules hourly = WindowRules.runbookDefaults();

    @Test
    void windowIsFloorOfFileTimeBySize() {
        long hour = 3_600_000;
        assertEquals(1_699_999_200_000L, hourly.windowStartOf(1_700_000_000_000L));
        assertEquals(1_699_999_200_000L + hour, hourly.windowEndOf(hourly.windowStartOf(1_700_000_000_000L)));
        assertEquals(0, hourly.windowStartOf(0));
        assertEquals(0, hourly.windowStartOf(hour - 1));
        assertEquals(hour, hourly.windowStartOf(hour));
        assertEquals(-hour, hourly.windowStartOf(-1), "floor, not truncation, before the epoch");
    }

    @Test
    void writerIsActiveUntilTheThresholdPasses() {
        long thirtyMin = 1_800_000;
        assertTrue(hourly.isWriterActive(1_000, 1_000 + thirtyMin - 1));
        assertFalse(hourly.isWriterActive(1_000, 1_000 + thirtyMin));
    }

    @Test
    void rejectsNonsenseWithTheOffendingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WindowRules(0, 1, 1, 1, 1, 0));
        assertTrue(e.getMessage().contains("window size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WindowRules(1, -1, 1, 1, 1, 0));
        e = assertThrows(IllegalArgumentException.class, () -> new WindowRules(1, 1, 0, 1, 1, 0));
        assertTrue(e.getMessage().contains("min files"), e.getMessage());
    }
}
