package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.events.ControlCommand;
import dev.compactor.window.WindowRules;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrackerKeyTest {

    private final TrackerKey key = new TrackerKey(Set.of("hot"), WindowRules.runbookDefaults());

    @Test
    void unshardedNamespacesAreTheirOwnKey() {
        assertEquals("users", key.getKey(BucketEvent.fileAdded("users", "k", 1, "e", "w", 0, 7_200_001)));
    }

    @Test
    void shardedNamespaceIsKeyedPerWindowForEveryEventOfThatWindow() {
        long t = 7_200_001; // window 7,200,000 with 1 h windows
        assertEquals("hot#7200000", key.getKey(BucketEvent.fileAdded("hot", "k", 1, "e", "w", 0, t)));
        assertEquals("hot#7200000", key.getKey(BucketEvent.fileRemoved("hot", "k", t)));
        assertEquals("hot#7200000", key.getKey(BucketEvent.windowStaged("hot", "s", 7_200_000, 0, 0)));
        assertEquals("hot#7200000", key.getKey(BucketEvent.windowFailed("hot", "f", 7_200_000, 0, 0, "x")));
        assertEquals("hot#7200000", key.getKey(BucketEvent.windowCommitted("hot", "m", 7_200_000, 0)));
        assertEquals("hot#3600000", key.getKey(BucketEvent.fileAdded("hot", "k", 1, "e", "w", 0, t - 3_600_000)));
    }

    @Test
    void onlyARollbackReachesAShardOfAShardedNamespace() {
        ControlCommand rollback = ControlCommand.rollback("1714561200000-0a1b2c3d", 7_200_000);
        assertEquals("hot#7200000", key.getKey(BucketEvent.control("hot", "k", rollback)));
        ControlCommand reset = ControlCommand.of("1714561200000-0a1b2c3d", ControlCommand.Kind.RESET);
        assertEquals("hot", key.getKey(BucketEvent.control("hot", "k", reset)));
        assertEquals("users", key.getKey(BucketEvent.control("users", "k", rollback)));
    }
}
