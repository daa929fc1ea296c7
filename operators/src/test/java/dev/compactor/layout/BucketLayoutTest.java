package dev.compactor.layout;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketLayoutTest {

    private final BucketLayout layout = BucketLayout.defaults();
    /** 2023-11-14T22:00:00Z. */
    private static final long WINDOW = 1_700_000_000_000L / 3_600_000 * 3_600_000;

    @Test
    void namesFollowTheContract() {
        assertEquals("data/app/users/year=2023/month=11/day=14/hour=22/compacted-" + WINDOW + "-g2-p0.parquet",
                layout.finalPartKey("app/users", WINDOW, 2, 0));
        assertEquals("_manifests/app/users/" + WINDOW + "-g2.json", layout.manifestKey("app/users", WINDOW, 2));
        assertEquals("_staging/users/" + WINDOW + "-g0-a1/p3.parquet", layout.stagingPartKey("users", WINDOW, 0, 1, 3));
        assertEquals("_quarantine/users/1-w-0.parquet.v680", layout.quarantineKey("data/users/1-w-0.parquet", 680));
        assertEquals("1-w-0.parquet", BucketLayout.quarantinedFileName("1-w-0.parquet.v680"));
        assertEquals("1-w-0.parquet", BucketLayout.quarantinedFileName("1-w-0.parquet"));
    }

    @Test
    void recognisesCompactedOutputsOnly() {
        assertTrue(BucketLayout.isCompactedOutput(layout.finalPartKey("users", WINDOW, 0, 0)));
        assertFalse(BucketLayout.isCompactedOutput("data/users/1700000000-w1-0.parquet"));
        assertFalse(BucketLayout.isCompactedOutput("data/users/compacted-notes.parquet"));
        assertFalse(BucketLayout.isCompactedOutput("data/year=2024/users/1700000000-w1-0.parquet"));
    }

    @Test
    void readsTheGenerationOfAStagingObjectOfItsWindowOnly() {
        String prefix = layout.stagingWindowPrefix("app/users", WINDOW);
        assertEquals(OptionalInt.of(12), BucketLayout.generationOfStagingKey(
                layout.stagedMarkerKey("app/users", WINDOW, 12, 3), prefix));
        assertEquals(OptionalInt.of(0), BucketLayout.generationOfStagingKey(
                layout.stagingPartKey("app/users", WINDOW, 0, 0, 7), prefix));
        assertEquals(OptionalInt.empty(), BucketLayout.generationOfStagingKey(
                layout.windowOverridesKey("app/users", WINDOW), prefix));
        assertEquals(OptionalInt.empty(), BucketLayout.generationOfStagingKey(prefix + "x-a0/p0.parquet", prefix));
        assertEquals(OptionalInt.empty(), BucketLayout.generationOfStagingKey(prefix + "1-a0", prefix));
        assertEquals(OptionalInt.empty(), BucketLayout.generationOfStagingKey(
                layout.stagedMarkerKey("app/users/more", WINDOW, 1, 0), prefix));
    }

    @Test
    void refusesADataPrefixThatIsNotARelativeFolder() {
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout("data"));
        assertThrows(IllegalArgumentException.class, () -> new BucketLayout("/data/"));
    }
}
