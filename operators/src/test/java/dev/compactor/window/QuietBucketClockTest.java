package dev.compactor.window;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuietBucketClockTest {

    private static final long OOO = 10_000;

    @Test
    void followsNewestFileTimeWhileFilesArrive() {
        QuietBucketClock clock = new QuietBucketClock(OOO);
        clock.onFile(1_000_000, 1_000_500);
        assertEquals(1_000_000 - OOO, clock.now(1_001_000));
    }

    @Test
    void followsWallClockWhenTheBucketIsQuiet() {
        QuietBucketClock clock = new QuietBucketClock(OOO);
        clock.onFile(1_000_000, 1_000_000);
        assertEquals(1_000_000 - OOO, clock.now(1_000_000 + OOO - 1));
        assertEquals(2_000_000 - OOO, clock.now(2_000_000));
    }

    @Test
    void backfillOfOldFilesAdvancesWithTheirTimes() {
        QuietBucketClock clock = new QuietBucketClock(OOO);
        long wall = 5_000_000_000L;
        clock.onFile(1_000_000, wall);
        clock.onFile(3_000_000, wall);
        assertEquals(3_000_000 - OOO, clock.now(wall));
    }

    @Test
    void neverAheadOfTheWallClockAndNeverBackwards() {
        QuietBucketClock clock = new QuietBucketClock(OOO);
        clock.onFile(9_000_000_000L, 1_000_000); // a writer whose clock is far ahead
        assertEquals(1_000_000 - OOO, clock.now(1_000_000));
        clock.onFile(500_000, 1_000_001);
        assertEquals(1_000_001 - OOO, clock.now(1_000_001), "an older file does not move time back");
    }

    @Test
    void emptyBucketFollowsWallClock() {
        assertEquals(123_000 - OOO, new QuietBucketClock(OOO).now(123_000));
    }
}
