package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.ObjectInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BucketListingDiffTest {

    private static final List<String> PREFIXES = List.of("data/", "_manifests/");
    private static final long NOW = 1_714_600_000_000L;

    private static ObjectInfo object(String key, long size, String eTag, long modified) {
        return new ObjectInfo(key, size, modified, eTag);
    }

    private static ObjectEvent created(String sourceAction, ObjectInfo o) {
        return new ObjectEvent(ObjectEvent.Action.CREATED, sourceAction, o.key(), o.size(), o.eTag(), o.lastModifiedMillis());
    }

    private static ObjectEvent gone(String key) {
        return new ObjectEvent(ObjectEvent.Action.DELETED, BucketListingDiff.GONE, key, 0, null, NOW);
    }

    @Test
    void firstListingReportsEveryObjectAsCreatedInKeyOrder() {
        ObjectInfo b = object("data/ns/1714564801-w-0.parquet", 20, "e2", 2_000);
        ObjectInfo a = object("data/ns/1714564800-w-0.parquet", 10, "e1", 1_000);
        ObjectInfo m = object("_manifests/ns/1714561200000-g0.json", 5, "e3", 3_000);
        BucketListingDiff diff = new BucketListingDiff(PREFIXES, Map.of());

        assertEquals(List.of(created(BucketListingDiff.NEW, m), created(BucketListingDiff.NEW, a),
                created(BucketListingDiff.NEW, b)), diff.apply(List.of(b, a, m), NOW));
    }

    @Test
    void unchangedListingReportsNothing() {
        ObjectInfo a = object("data/ns/1714564800-w-0.parquet", 10, "e1", 1_000);
        BucketListingDiff diff = new BucketListingDiff(PREFIXES, Map.of());
        diff.apply(List.of(a), NOW);

        assertEquals(List.of(), diff.apply(List.of(a), NOW + 1));
    }

    @Test
    void reportsCreationsBeforeDeletionsEachInKeyOrder() {
        ObjectInfo a = object("data/ns/a.parquet", 1, "a", 1);
        ObjectInfo b = object("data/ns/b.parquet", 1, "b", 1);
        ObjectInfo c = object("data/ns/c.parquet", 1, "c", 1);
        ObjectInfo d = object("data/ns/d.parquet", 1, "d", 1);
        BucketListingDiff diff = new BucketListingDiff(PREFIXES, Map.of());
        diff.apply(List.of(b, d), NOW);

        assertEquals(List.of(created(BucketListingDiff.NEW, a), created(BucketListingDiff.NEW, c),
                gone("data/ns/b.parquet"), gone("data/ns/d.parquet")), diff.apply(List.of(c, a), NOW));
        assertEquals(List.of("data/ns/a.parquet", "data/ns/c.parquet"), List.copyOf(diff.known().keySet()));
    }

    @Test
    void rewriteWithNewSizeOrETagIsReportedAsChanged() {
        ObjectInfo v1 = object("data/ns/a.parquet", 10, "e1", 1_000);
        ObjectInfo newETag = object("data/ns/a.parquet", 10, "e2", 2_000);
        ObjectInfo newSize = object("data/ns/a.parquet", 11, "e2", 3_000);
        ObjectInfo touched = object("data/ns/a.parquet", 11, "e2", 4_000);
        BucketListingDiff diff = new BucketListingDiff(PREFIXES, Map.of());
        diff.apply(List.of(v1), NOW);

        assertEquals(List.of(created(BucketListingDiff.CHANGED, newETag)), diff.apply(List.of(newETag), NOW));
        assertEquals(List.of(created(BucketListingDiff.CHANGED, newSize)), diff.apply(List.of(newSize), NOW));
        assertEquals(List.of(), diff.apply(List.of(touched), NOW), "a new modification time alone is the same version");
    }

    @Test
    void objectListedUnderOverlappingPrefixesCountsOnce() {
        ObjectInfo a = object("data/app/a.parquet", 1, "a", 1);
        BucketListingDiff diff = new BucketListingDiff(List.of("data/", "data/app/"), Map.of());

        assertEquals(List.of(created(BucketListingDiff.NEW, a)), diff.apply(List.of(a, a), NOW));
    }

    @Test
    void objectsOutsideThePrefixesAreNotWatched() {
        BucketListingDiff diff = new BucketListingDiff(PREFIXES, Map.of());

        assertEquals(List.of(), diff.apply(List.of(object("elsewhere/x", 1, "x", 1)), NOW));
        assertEquals(Map.of(), diff.known());
    }

    @Test
    void restoredKnownSetNeitherReEmitsNorMissesObjects() {
        ObjectInfo kept = object("data/ns/kept.parquet", 1, "k", 1);
        ObjectInfo removedWhileDown = object("data/ns/removed.parquet", 1, "r", 1);
        ObjectInfo addedWhileDown = object("data/ns/added.parquet", 1, "n", 2);
        BucketListingDiff before = new BucketListingDiff(PREFIXES, Map.of());
        before.apply(List.of(kept, removedWhileDown), NOW);

        BucketListingDiff after = new BucketListingDiff(PREFIXES, before.known());

        assertEquals(List.of(created(BucketListingDiff.NEW, addedWhileDown), gone("data/ns/removed.parquet")),
                after.apply(List.of(kept, addedWhileDown), NOW));
    }

    @Test
    void restoreForgetsObjectsNoLongerUnderAWatchedPrefix() {
        Map<String, BucketListingDiff.Version> known = Map.of(
                "data/ns/a.parquet", new BucketListingDiff.Version(1, "a"),
                "_staging/ns/1-g0-a0/p0.parquet", new BucketListingDiff.Version(1, "p"));

        BucketListingDiff diff = new BucketListingDiff(PREFIXES, known);

        assertEquals(List.of("data/ns/a.parquet"), List.copyOf(diff.known().keySet()));
        assertEquals(List.of(gone("data/ns/a.parquet")), diff.apply(List.of(), NOW),
                "an unwatched object must not be reported deleted");
    }

    @Test
    void knownSetHoldsOnlyCurrentObjects() {
        BucketListingDiff diff = new BucketListingDiff(PREFIXES, Map.of());
        for (int round = 0; round < 100; round++) {
            diff.apply(List.of(object("data/ns/" + round + ".parquet", 1, "e", 1)), NOW);
        }
        assertEquals(List.of("data/ns/99.parquet"), List.copyOf(diff.known().keySet()));
    }

    @Test
    void refusesMissingOrEmptyPrefixes() {
        assertThrows(IllegalArgumentException.class, () -> new BucketListingDiff(List.of(), Map.of()));
        assertThrows(NullPointerException.class, () -> new BucketListingDiff(null, Map.of()));
        assertThrows(NullPointerException.class, () -> new BucketListingDiff(PREFIXES, null));
    }
}
