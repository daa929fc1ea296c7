package dev.compactor.savepoints.bootstrap;

import dev.compactor.commit.Manifest;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.window.WindowRecord;
import dev.compactor.window.WindowRules;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapPlanTest {

    private static final BucketLayout LAYOUT = BucketLayout.defaults();
    private static final WindowRules RULES = new WindowRules(60_000, 1_000, 1, 600_000, 60_000, 3_600_000);
    /** 2025-01-01T00:00:00Z, a window start for one-minute windows. */
    private static final long W1 = 1_735_689_600L;
    private static final long W2 = W1 + 60;

    private static ObjectInfo source(String ns, long second, String writer, int seq) {
        return new ObjectInfo("data/" + ns + "/" + second + "-" + writer + "-" + seq + ".parquet", 100 + seq,
                second * 1000, "etag-" + ns + second + writer + seq);
    }

    private static Manifest manifest(String ns, long windowSecond, int generation, List<ObjectInfo> inputs) {
        long ws = windowSecond * 1000;
        return new Manifest(Manifest.FORMAT_VERSION, ns, ws, ws + 60_000, "", "", generation, 0,
                "2025-01-01T01:00:00Z", 10, 10,
                inputs.stream().map(i -> new Manifest.InputEntry(i.key(), i.size(), 5, i.eTag())).toList(),
                List.of(new Manifest.OutputEntry(LAYOUT.finalPartKey(ns, ws, generation, 0), 10, 1, "x")),
                List.of(), List.of());
    }

    @Test
    void sourcesOfAWindowWithoutManifestWaitInGenerationZero() {
        ObjectInfo a = source("users", W1 + 1, "w1", 1);
        ObjectInfo b = source("users", W1 + 2, "w2", 1);
        BootstrapPlan plan = BootstrapPlan.of(List.of(a, b), List.of(), LAYOUT, RULES, Set.of());

        TrackerKeyState users = plan.key("users");
        WindowRecord window = users.windows.get((W1 * 1000) + "-g0");
        assertEquals(2, window.fileCount);
        assertEquals(a.size() + b.size(), window.totalSize);
        assertEquals((W1 + 2) * 1000, window.lastArrival);
        assertEquals(W1 * 1000 + 60_000, window.windowEnd);
        assertEquals(Map.of(W1 * 1000, 0), users.latestGeneration);
        assertEquals(Set.of(W1 * 1000 + "-g0/w1", W1 * 1000 + "-g0/w2"), users.windowWriters);
        assertEquals(a.eTag(), users.files.get(a.key()).eTag, "the eTag the bucket watcher reports, so its replay "
                + "of the listing is a duplicate");
        assertEquals(1, users.files.get(a.key()).seq);
        assertEquals((W1 + 1) * 1000, users.writers.get("w1"));
        assertTrue(plan.compactedSources().isEmpty());
    }

    @Test
    void aCommittedWindowTakesLateFilesInTheNextGenerationAndItsLeftoverSourcesAreDeleted() {
        ObjectInfo compacted = source("users", W1 + 1, "w1", 1);
        ObjectInfo leftover = source("users", W1 + 2, "w1", 2);
        ObjectInfo late = source("users", W1 + 3, "w1", 3);
        List<Manifest> manifests = List.of(manifest("users", W1, 0, List.of(compacted)),
                manifest("users", W1, 1, List.of(leftover)));
        BootstrapPlan plan = BootstrapPlan.of(List.of(leftover, late), manifests, LAYOUT, RULES, Set.of());

        TrackerKeyState users = plan.key("users");
        assertEquals(List.of(leftover.key()), plan.compactedSources().stream().map(Manifest.InputEntry::key).toList());
        assertEquals(Set.of(late.key()), users.files.keySet());
        assertEquals(Set.of(W1 * 1000 + "-g2"), users.windows.keySet());
        assertEquals(2, users.files.get(late.key()).generation);
        assertEquals(Map.of(W1 * 1000, 2), users.latestGeneration);
    }

    @Test
    void theSourcesOfAnUncompactedGenerationArePendingAgainInTheNextGeneration() {
        ObjectInfo restored = source("users", W1 + 1, "w1", 1);
        Manifest rolledBack = manifest("users", W1, 0, List.of(restored))
                .rolledBack(java.time.Instant.parse("2025-01-01T02:00:00Z"));
        BootstrapPlan plan = BootstrapPlan.of(List.of(restored), List.of(rolledBack), LAYOUT, RULES, Set.of());

        TrackerKeyState users = plan.key("users");
        assertTrue(plan.compactedSources().isEmpty(), "a source put back by an uncompact is not deleted");
        assertEquals(1, users.files.get(restored.key()).generation, "its generation number is never reused");
        assertEquals(Map.of(W1 * 1000, 1), users.latestGeneration);
    }

    @Test
    void aFullyCompactedWindowKeepsItsGenerationAndItsWriters() {
        ObjectInfo compacted = source("orders", W1 + 5, "w9", 4);
        BootstrapPlan plan = BootstrapPlan.of(List.of(), List.of(manifest("orders", W1, 3, List.of(compacted))),
                LAYOUT, RULES, Set.of());

        TrackerKeyState orders = plan.key("orders");
        assertTrue(orders.windows.isEmpty());
        assertEquals(Map.of(W1 * 1000, 3), orders.latestGeneration);
        assertEquals((W1 + 5) * 1000, orders.writers.get("w9"), "a writer known only from a manifest is known");
        assertEquals(0, plan.pendingWindows());
    }

    @Test
    void compactedOutputsAndForeignNamesAreNotSources() {
        ObjectInfo output = new ObjectInfo(LAYOUT.finalPartKey("users", W1 * 1000, 0, 0), 10, 0, "o");
        ObjectInfo notParquet = new ObjectInfo("data/users/readme.txt", 10, 0, "t");
        BootstrapPlan plan = BootstrapPlan.of(List.of(output, notParquet), List.of(), LAYOUT, RULES, Set.of());

        assertTrue(plan.keys().isEmpty());
        assertTrue(plan.compactedSources().isEmpty());
    }

    @Test
    void shardedNamespacesAreKeyedPerWindowLikeTheTracker() {
        ObjectInfo first = source("hot", W1 + 1, "w1", 1);
        ObjectInfo second = source("hot", W2 + 1, "w1", 2);
        BootstrapPlan plan = BootstrapPlan.of(List.of(first, second),
                List.of(manifest("hot", W2, 0, List.of())), LAYOUT, RULES, Set.of("hot"));

        assertEquals(List.of("hot#" + W1 * 1000, "hot#" + W2 * 1000),
                plan.keys().stream().map(k -> k.key).toList());
        assertEquals(1, plan.key("hot#" + W2 * 1000).files.get(second.key()).generation);
        assertNull(plan.key("hot"));
        assertFalse(plan.key("hot#" + W1 * 1000).windows.isEmpty());
        assertEquals(2, plan.pendingFiles());
    }
}
