package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.compactor.commit.StagedWindowFixture.NAMESPACE;
import static dev.compactor.commit.StagedWindowFixture.WINDOW_START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source retention at commit and the uncompact that puts the sources back: exact versions only, every row visible at
 * every step, and a crash at any step finished by running it again.
 */
class UncompactorTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);

    @TempDir
    Path root;

    private int buckets;

    /** One committed window generation of four sources in two parts, with its sources retained. */
    private final class Committed {
        final LocalObjectStore store = new LocalObjectStore(root.resolve("bucket-" + buckets++));
        final StagedWindowFixture fixture = new StagedWindowFixture(store);
        final List<StagedWindow.Input> inputs;
        final Map<String, String> sourceContents;
        final StagedWindow window;
        final Manifest manifest;

        Committed(Duration retention) throws IOException {
            inputs = fixture.writeSources(4);
            sourceContents = fixture.contentsUnder("data/");
            window = fixture.stage(0, 0, inputs, 2);
            new WindowPublisher(store, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC), retention).publish(window);
            manifest = ManifestCodec.fromJson(store.read(fixture.manifestKey(0)));
        }

        Uncompactor uncompactor(ObjectStore through, Instant at) {
            return new Uncompactor(through, fixture.layout, Clock.fixed(at, ZoneOffset.UTC));
        }

        boolean allSourcesPresent() throws IOException {
            for (StagedWindow.Input input : inputs) {
                if (store.head(input.key).map(i -> i.size() != input.size).orElse(true)) {
                    return false;
                }
            }
            return true;
        }

        boolean allOutputsPresent() throws IOException {
            for (Manifest.OutputEntry output : manifest.outputs()) {
                if (store.head(output.key()).isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        /** The finished uncompact: sources back byte for byte, outputs and retained copies gone, manifest marked. */
        void assertUncompacted() throws IOException {
            Map<String, String> data = fixture.contentsUnder("data/");
            assertEquals(sourceContents, data, "exactly the sources, as they were, and no output");
            assertTrue(ManifestCodec.fromJson(store.read(fixture.manifestKey(0))).isRolledBack());
            assertEquals(List.of(), store.list(BucketLayout.TRASH_PREFIX));
        }
    }

    @Test
    void aCommitWithRetentionKeepsTheExactSourcesUnderTrash() throws IOException {
        Committed c = new Committed(RETENTION);
        assertEquals(NOW.plus(RETENTION).toString(), c.manifest.sourcesRetainedUntil());
        assertFalse(c.allSourcesPresent());
        for (StagedWindow.Input input : c.inputs) {
            assertFalse(c.fixture.exists(input.key), input.key);
            String copy = c.fixture.layout.trashKey(NAMESPACE, WINDOW_START, 0, input.key);
            assertEquals(c.sourceContents.get(input.key), StagedWindowFixture.sha256(c.store.read(copy)));
        }
        assertTrue(c.fixture.exists(BucketLayout.trashMarkerKey(NAMESPACE, WINDOW_START, 0)));
    }

    @Test
    void uncompactPutsSourcesBackRemovesOutputsAndAReplayedCommitDeletesNothing() throws IOException {
        Committed c = new Committed(RETENTION);
        Uncompactor.Result result = c.uncompactor(c.store, NOW).run(c.fixture.manifestKey(0));
        assertEquals(new Uncompactor.Result(c.fixture.manifestKey(0), 0, 4, 2,
                c.inputs.stream().mapToLong(i -> i.size).sum(), false), result);
        c.assertUncompacted();

        PublishOutcome replay = new WindowPublisher(c.store, c.fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC),
                RETENTION).publish(c.window);
        assertEquals(0, replay.sourcesDeleted(), "a replayed commit of the rolled-back generation deletes no source");
        c.assertUncompacted();

        Uncompactor.Result again = c.uncompactor(c.store, NOW).run(c.fixture.manifestKey(0));
        assertTrue(again.alreadyRolledBack());
        assertEquals(0, again.restored());
        c.assertUncompacted();
    }

    @Test
    void aCrashAtAnyStepLosesNoRowAndRunningAgainFinishesIt() throws IOException {
        int steps = 0;
        for (int budget = 0; ; budget++) {
            Committed c = new Committed(RETENTION);
            FaultyStore crashing = new FaultyStore(c.store, FaultyStore.crashAfterChanges(new AtomicInteger(budget)));
            boolean crashed = false;
            try {
                c.uncompactor(crashing, NOW).run(c.fixture.manifestKey(0));
            } catch (IOException e) {
                assertEquals(FaultyStore.CRASH, e.getMessage());
                crashed = true;
            }
            assertTrue(c.allSourcesPresent() || c.allOutputsPresent(),
                    "after a crash at step " + budget + " every row is in a source or an output");
            if (!crashed) {
                c.assertUncompacted();
                break;
            }
            steps++;
            c.uncompactor(c.store, NOW).run(c.fixture.manifestKey(0));
            c.assertUncompacted();
        }
        // the mark, four sources, two outputs, four copies and their marker
        assertEquals(12, steps, "every mutating step was crashed once");
    }

    @Test
    void withoutRetainedSourcesNothingChanges() throws IOException {
        Committed c = new Committed(Duration.ZERO);
        assertEquals(List.of(), c.store.list(BucketLayout.TRASH_PREFIX), "retention 0 deletes as before");
        Map<String, String> before = c.fixture.contentsUnder("");
        Uncompactor.RefusedException refused = assertThrows(Uncompactor.RefusedException.class,
                () -> c.uncompactor(c.store, NOW).run(c.fixture.manifestKey(0)));
        assertTrue(refused.getMessage().contains("were not kept"), refused.getMessage());
        assertEquals(before, c.fixture.contentsUnder(""));
    }

    @Test
    void aRetentionAboutToEndOrASourceWrittenAgainIsRefusedWithoutChange() throws IOException {
        Committed c = new Committed(RETENTION);
        Map<String, String> before = c.fixture.contentsUnder("");
        assertThrows(Uncompactor.RefusedException.class, () -> c.uncompactor(c.store,
                NOW.plus(RETENTION).minus(Duration.ofMinutes(5))).run(c.fixture.manifestKey(0)));
        assertEquals(before, c.fixture.contentsUnder(""));

        c.store.write(c.inputs.get(1).key, new byte[] {1, 2, 3});
        Map<String, String> rewritten = c.fixture.contentsUnder("");
        Uncompactor.RefusedException refused = assertThrows(Uncompactor.RefusedException.class,
                () -> c.uncompactor(c.store, NOW).run(c.fixture.manifestKey(0)));
        assertTrue(refused.getMessage().contains("written again"), refused.getMessage());
        assertEquals(rewritten, c.fixture.contentsUnder(""), "the new version is never replaced");
    }

    @Test
    void aSourceWrittenAgainBeforeTheCommitStaysInPlaceAndIsNotRetained() throws IOException {
        LocalObjectStore store = new LocalObjectStore(root.resolve("rewritten"));
        StagedWindowFixture fixture = new StagedWindowFixture(store);
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow window = fixture.stage(0, 0, inputs, 1);
        fixture.writeParquet(inputs.get(0).key, 100, 7); // the writer flushed the same name again
        byte[] newVersion = store.read(inputs.get(0).key);
        new WindowPublisher(store, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC), RETENTION).publish(window);
        assertArrayEquals(newVersion, store.read(inputs.get(0).key));
        assertFalse(fixture.exists(fixture.layout.trashKey(NAMESPACE, WINDOW_START, 0, inputs.get(0).key)));
        assertTrue(fixture.exists(fixture.layout.trashKey(NAMESPACE, WINDOW_START, 0, inputs.get(1).key)));
    }

    @Test
    void theNextCommitRemovesExpiredRetainedSourcesButNotThoseOfAnUncompactInProgress() throws IOException {
        Committed c = new Committed(RETENTION);
        StagedWindow second = commitGeneration(c, 1, NOW);
        StagedWindow third = commitGeneration(c, 2, NOW);
        assertThrows(IOException.class, () -> c.uncompactor(new FaultyStore(c.store, FaultyStore.crashAfterChanges(new AtomicInteger(1))), NOW)
                .run(c.fixture.manifestKey(1)), "crashes after marking generation 1 rolled back");

        commitGeneration(c, 3, NOW.plus(RETENTION).plusSeconds(1));

        assertTrue(c.store.list(BucketLayout.trashDir(NAMESPACE, WINDOW_START, 0)).isEmpty(), "expired: removed");
        assertFalse(c.store.list(BucketLayout.trashDir(NAMESPACE, WINDOW_START, 1)).isEmpty(),
                "rolled back: left to its uncompact");
        assertTrue(c.store.list(BucketLayout.trashDir(NAMESPACE, WINDOW_START, 2)).isEmpty(), "expired: removed");
        assertFalse(c.store.list(BucketLayout.trashDir(NAMESPACE, WINDOW_START, 3)).isEmpty(), "still retained");
        c.uncompactor(c.store, NOW).run(c.fixture.manifestKey(1));
        for (StagedWindow.Input input : second.inputs) {
            assertTrue(c.fixture.exists(input.key), "generation 1's sources are back: " + input.key);
        }
        assertFalse(third.inputs.stream().anyMatch(i -> fixtureExists(c, i.key)));
    }

    private static boolean fixtureExists(Committed c, String key) {
        try {
            return c.fixture.exists(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Commits one more generation of the window, of two sources of its own, at {@code at}. */
    private static StagedWindow commitGeneration(Committed c, int generation, Instant at) throws IOException {
        List<StagedWindow.Input> inputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String key = "data/" + NAMESPACE + "/" + (WINDOW_START / 1000 + 100 * generation + i) + "-w2-" + i
                    + ".parquet";
            c.fixture.writeParquet(key, 1000L * generation + i, 2);
            inputs.add(new StagedWindow.Input(key, c.store.head(key).orElseThrow().size(), 2));
        }
        StagedWindow window = c.fixture.stage(generation, 0, inputs, 1);
        new WindowPublisher(c.store, c.fixture.layout, Clock.fixed(at, ZoneOffset.UTC), RETENTION).publish(window);
        return window;
    }
}
