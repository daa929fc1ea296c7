package dev.compactor.commit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.compactor.commit.StagedWindowFixture.NAMESPACE;
import static dev.compactor.commit.StagedWindowFixture.ROWS_PER_SOURCE;
import static dev.compactor.commit.StagedWindowFixture.WINDOW_END;
import static dev.compactor.commit.StagedWindowFixture.WINDOW_START;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowPublisherTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    @TempDir
    Path bucket;

    private FaultyStore store;
    private final FaultyStore.FailNext faults = new FaultyStore.FailNext();
    private StagedWindowFixture fixture;
    private WindowPublisher publisher;

    @BeforeEach
    void setUp() {
        store = new FaultyStore(new LocalObjectStore(bucket), faults);
        fixture = new StagedWindowFixture(store);
        publisher = new WindowPublisher(store, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void publishesPartsWritesManifestThenDeletesSourcesAndStaging() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(4);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(new PublishOutcome(PublishOutcome.Status.COMMITTED, 2, 4, 0, ""), outcome);
        for (StagedWindow.Part part : window.parts) {
            assertFalse(fixture.exists(part.stagingKey), part.stagingKey);
            assertEquals(part.sha256, StagedWindowFixture.sha256(store.read(part.finalKey)), part.finalKey);
            assertEquals(part.rowCount, fixture.parquetRowCount(part.finalKey));
        }
        assertEquals("data/orders/year=2025/month=01/day=01/hour=10/compacted-" + WINDOW_START + "-g0-p1.parquet",
                window.parts.get(1).finalKey);
        for (StagedWindow.Input input : inputs) {
            assertFalse(fixture.exists(input.key), input.key);
        }
        assertEquals(List.of(), store.list("_staging/"));

        Manifest manifest = ManifestCodec.fromJson(store.read(fixture.manifestKey(0)));
        assertEquals(Manifest.FORMAT_VERSION, manifest.formatVersion());
        assertEquals(NAMESPACE, manifest.namespace());
        assertEquals(WINDOW_START, manifest.windowStart());
        assertEquals(WINDOW_END, manifest.windowEnd());
        assertEquals("2025-01-01T10:00:00Z", manifest.windowStartUtc());
        assertEquals("2025-01-01T11:00:00Z", manifest.windowEndUtc());
        assertEquals(0, manifest.generation());
        assertEquals(0, manifest.attempt());
        assertEquals(NOW.toString(), manifest.committedAt());
        assertEquals(4L * ROWS_PER_SOURCE, manifest.totalInputRows());
        assertEquals(4L * ROWS_PER_SOURCE, manifest.totalOutputRows());
        assertEquals(inputs.stream().map(i -> new Manifest.InputEntry(i.key, i.size, i.rowCount, null)).toList(),
                manifest.inputs());
        assertEquals(window.parts.stream()
                        .map(p -> new Manifest.OutputEntry(p.finalKey, p.rowCount, p.sizeBytes, p.sha256)).toList(),
                manifest.outputs());
        assertEquals(List.of(), manifest.quarantined());
        assertEquals(List.of(), manifest.missing());
    }

    @Test
    void replayAfterSuccessChangesNothing() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(3), 2);
        publisher.publish(window);
        Map<String, String> committed = fixture.contentsUnder("");

        PublishOutcome replay = publisher.publish(window);

        assertEquals(new PublishOutcome(PublishOutcome.Status.ALREADY_COMMITTED, 0, 0, 0, ""), replay);
        assertEquals(committed, fixture.contentsUnder(""));
    }

    @Test
    void crashAfterPublishingSomePartsIsFinishedByTheReplay() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow window = fixture.stage(0, 0, inputs, 3);
        faults.failNext(FaultyStore.Op.MOVE, window.parts.get(1).stagingKey);

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertTrue(fixture.exists(window.parts.get(0).finalKey));
        assertTrue(fixture.exists(window.parts.get(1).stagingKey));
        assertFalse(fixture.exists(fixture.manifestKey(0)));
        assertTrue(fixture.exists(inputs.get(0).key), "no source may go before the manifest");

        PublishOutcome replay = publisher.publish(window);

        assertEquals(new PublishOutcome(PublishOutcome.Status.COMMITTED, 2, 3, 0, ""), replay);
        for (StagedWindow.Part part : window.parts) {
            assertEquals(part.sha256, StagedWindowFixture.sha256(store.read(part.finalKey)));
        }
        assertEquals(3, ManifestCodec.fromJson(store.read(fixture.manifestKey(0))).outputs().size());
        assertEquals(List.of(), store.list("_staging/"));
    }

    @Test
    void crashAfterManifestIsFinishedByTheReplayWithoutRewritingAnything() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);
        faults.failNext(FaultyStore.Op.DELETE, inputs.get(0).key);

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertTrue(fixture.exists(fixture.manifestKey(0)));
        assertTrue(fixture.exists(inputs.get(0).key));
        byte[] manifest = store.read(fixture.manifestKey(0));
        Map<String, String> outputs = fixture.contentsUnder("data/orders/year=");

        WindowPublisher later = new WindowPublisher(store, fixture.layout, Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));
        PublishOutcome replay = later.publish(window);

        assertEquals(new PublishOutcome(PublishOutcome.Status.ALREADY_COMMITTED, 0, 3, 0, ""), replay);
        assertArrayEquals(manifest, store.read(fixture.manifestKey(0)));
        assertEquals(outputs, fixture.contentsUnder("data/orders/year="));
        for (StagedWindow.Input input : inputs) {
            assertFalse(fixture.exists(input.key), input.key);
        }
        assertEquals(List.of(), store.list("_staging/"));
    }

    @Test
    void secondAttemptOfACommittedGenerationPublishesNothingAndClearsItsStaging() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow first = fixture.stage(0, 0, inputs, 2);
        StagedWindow second = fixture.stage(0, 1, inputs, 2);
        assertEquals(first.parts.get(0).sha256, second.parts.get(0).sha256, "attempts stage identical content");

        publisher.publish(first);
        assertEquals(List.of(), store.list(fixture.stagingPrefix(0)), "the commit clears every attempt");
        byte[] manifest = store.read(fixture.manifestKey(0));
        Map<String, String> outputs = fixture.contentsUnder("data/orders/year=");
        // The second attempt's merge finished late and staged again after the commit.
        fixture.stage(0, 1, inputs, 2);

        PublishOutcome outcome = publisher.publish(second);

        assertEquals(new PublishOutcome(PublishOutcome.Status.ALREADY_COMMITTED, 0, 0, 0, ""), outcome);
        assertArrayEquals(manifest, store.read(fixture.manifestKey(0)));
        assertEquals(0, ManifestCodec.fromJson(manifest).attempt());
        assertEquals(outputs, fixture.contentsUnder("data/orders/year="));
        assertEquals(List.of(), store.list("_staging/"));
    }

    @Test
    void unreadableInputIsQuarantinedWithReasonAndDeletedOnlyAfterTheManifest() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(2), 1);
        String bad = fixture.addUnreadableSource(window, "not a Parquet file: magic bytes missing");
        byte[] badBytes = store.read(bad);
        faults.failNext(FaultyStore.Op.WRITE, fixture.manifestKey(0));

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertArrayEquals(badBytes, store.read(fixture.layout.quarantineKey(bad, badBytes.length)));
        assertTrue(fixture.exists(bad), "original kept while no manifest records the quarantine");

        PublishOutcome replay = publisher.publish(window);

        assertEquals(PublishOutcome.Status.COMMITTED, replay.status());
        assertEquals(0, replay.filesQuarantined(), "the copy was made by the interrupted run");
        assertEquals(3, replay.sourcesDeleted());
        assertFalse(fixture.exists(bad));
        assertArrayEquals(badBytes, store.read(fixture.layout.quarantineKey(bad, badBytes.length)));
        QuarantineReason reason = QuarantineReason.fromJson(
                store.read(fixture.layout.quarantineReasonKey(bad, badBytes.length)));
        assertEquals(new QuarantineReason(bad, "not a Parquet file: magic bytes missing", NAMESPACE, WINDOW_START, 0,
                NOW.toString()), reason);
        Manifest manifest = ManifestCodec.fromJson(store.read(fixture.manifestKey(0)));
        assertEquals(List.of(new Manifest.QuarantinedEntry(bad, badBytes.length,
                "not a Parquet file: magic bytes missing")), manifest.quarantined());
    }

    @Test
    void aSecondCorruptVersionOfTheSameKeyGetsItsOwnQuarantinedCopy() throws IOException {
        StagedWindow first = fixture.stage(0, 0, fixture.writeSources(1), 1);
        String bad = fixture.addUnreadableSource(first, "not a Parquet file: magic bytes missing");
        byte[] firstBytes = store.read(bad);
        publisher.publish(first);
        // The writer flushes the same key again after the commit, corrupt again: the next generation's input.
        byte[] secondBytes = "still not parquet, and longer".getBytes();
        store.write(bad, secondBytes);
        StagedWindow second = fixture.stage(1, 0, fixture.writeSources(1), 1);
        second.quarantined.add(new StagedWindow.Quarantined(bad, secondBytes.length, "not a Parquet file: footer"));

        PublishOutcome outcome = publisher.publish(second);

        assertEquals(1, outcome.filesQuarantined());
        assertFalse(fixture.exists(bad));
        List<String> copies = new java.util.ArrayList<>();
        for (ObjectInfo object : store.list(BucketLayout.QUARANTINE_PREFIX)) {
            if (!object.key().endsWith(BucketLayout.REASON_SUFFIX)) {
                copies.add(new String(store.read(object.key())));
            }
        }
        assertEquals(List.of(new String(firstBytes), new String(secondBytes)), copies, "one copy per version");
    }

    @Test
    void aQuarantinedInputLinkedOutsideTheBucketIsNeitherCopiedNorFollowed(@TempDir Path outside) throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(1), 1);
        String bad = fixture.addUnreadableSource(window, "not a Parquet file: magic bytes missing");
        Path secret = Files.writeString(outside.resolve("secret"), "outside the bucket");
        Files.delete(bucket.resolve(bad));
        Files.createSymbolicLink(bucket.resolve(bad), secret);

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(0, outcome.filesQuarantined());
        assertTrue(store.list(BucketLayout.QUARANTINE_PREFIX).isEmpty(), "a file outside the bucket was copied in");
        assertEquals("outside the bucket", Files.readString(secret));
    }

    @Test
    void aSourceWrittenAgainAfterItsMergeStaysAsANewFile() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow window = fixture.stage(0, 0, inputs, 1);
        // the marker AsyncMerge writes: the staged window and the eTag of each input version it merged
        ObjectNode marker = new ObjectMapper().valueToTree(window);
        for (StagedWindow.Input input : inputs) {
            marker.with("inputETags").put(input.key, store.head(input.key).orElseThrow().eTag());
        }
        store.write(fixture.layout.stagedMarkerKey(NAMESPACE, WINDOW_START, 0, 0), marker.toString().getBytes());
        // The writer flushes the same key again: same size, new content, so only the eTag tells the versions apart.
        String rewritten = inputs.get(1).key;
        byte[] merged = store.read(rewritten);
        byte[] again = merged.clone();
        again[again.length / 2] ^= 1;
        Files.write(bucket.resolve(rewritten), again);
        Files.setLastModifiedTime(bucket.resolve(rewritten), FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(PublishOutcome.Status.COMMITTED, outcome.status());
        assertEquals(2, outcome.sourcesDeleted());
        assertArrayEquals(again, store.read(rewritten), "the new version must stay for the next generation");
        assertFalse(fixture.exists(inputs.get(0).key));
        assertFalse(fixture.exists(inputs.get(2).key));
    }

    @Test
    void quarantineCountsTheCopiesItMakes() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(1), 1);
        fixture.addUnreadableSource(window, "schema conflict");

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(new PublishOutcome(PublishOutcome.Status.COMMITTED, 1, 2, 1, ""), outcome);
    }

    @Test
    void lostStagedPartFailsWithoutPublishingOrDeletingAnything() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);
        StagedWindow.Part lost = window.parts.get(1);
        store.delete(lost.stagingKey);

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(PublishOutcome.Status.UNCOMMITTABLE, outcome.status());
        assertTrue(outcome.failure().contains(lost.stagingKey), outcome.failure());
        assertTrue(outcome.failure().contains(lost.finalKey), outcome.failure());
        assertFalse(fixture.exists(fixture.manifestKey(0)));
        assertFalse(fixture.exists(window.parts.get(0).finalKey), "no orphan output under a final name");
        assertTrue(fixture.exists(window.parts.get(0).stagingKey));
        for (StagedWindow.Input input : inputs) {
            assertTrue(fixture.exists(input.key), input.key);
        }
    }

    @Test
    void publishedPartOfTheWrongSizeIsNotTakenForTheStagedOne() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(1), 1);
        StagedWindow.Part part = window.parts.get(0);
        store.delete(part.stagingKey);
        store.write(part.finalKey, "truncated".getBytes());

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(PublishOutcome.Status.UNCOMMITTABLE, outcome.status());
        assertTrue(outcome.failure().contains("expected " + part.sizeBytes), outcome.failure());
        assertFalse(fixture.exists(fixture.manifestKey(0)));
    }

    @Test
    void rejectsAWindowWithoutNamespace() {
        StagedWindow window = new StagedWindow();
        assertThrows(IllegalArgumentException.class, () -> publisher.publish(window));
    }
    /**
     * Writes {@code racing} as the manifest right after the publisher's own existence check found none, as a
     * concurrent committer of the same generation would.
     */
    private WindowPublisher publisherRacedBy(java.util.function.Supplier<Manifest> racing) {
        ObjectStore racy = new ForwardingObjectStore(store) {
            private boolean raced;

            @Override
            public java.util.Optional<ObjectInfo> head(String key) throws IOException {
                java.util.Optional<ObjectInfo> head = super.head(key);
                if (!raced && key.equals(fixture.manifestKey(0))) {
                    raced = true;
                    store.write(key, ManifestCodec.toJson(racing.get()));
                }
                return head;
            }
        };
        return new WindowPublisher(racy, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aManifestWrittenByAnotherAttemptMeanwhileIsNeverReplacedAndNoSourceIsDeleted() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow ours = fixture.stage(0, 0, inputs, 2);
        StagedWindow theirs = fixture.stage(0, 1, inputs, 1);
        Manifest their = Manifest.of(theirs, Map.of(), NOW.minusSeconds(5));
        byte[] theirManifest = ManifestCodec.toJson(their);

        IOException e = assertThrows(IOException.class, () -> publisherRacedBy(() -> their).publish(ours));

        assertTrue(e.getMessage().contains(fixture.manifestKey(0)), e.getMessage());
        assertTrue(e.getMessage().contains("existing: attempt 1 committed at " + NOW.minusSeconds(5)), e.getMessage());
        assertTrue(e.getMessage().contains("ours: attempt 0"), e.getMessage());
        assertArrayEquals(theirManifest, store.read(fixture.manifestKey(0)), "the first manifest stays the commit");
        for (StagedWindow.Input input : inputs) {
            assertTrue(fixture.exists(input.key), input.key);
        }
    }

    @Test
    void aManifestOfTheSameCommitWrittenMeanwhileIsOurs() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);
        String marker = fixture.layout.stagedMarkerKey(NAMESPACE, WINDOW_START, 0, 0);
        Manifest same = Manifest.of(window, StagedWindowCodec.inputETagsOfMarker(store.read(marker)),
                NOW.minusSeconds(5));

        PublishOutcome outcome = publisherRacedBy(() -> same).publish(window);

        assertEquals(PublishOutcome.Status.COMMITTED, outcome.status());
        assertEquals(3, outcome.sourcesDeleted());
        assertEquals(same, ManifestCodec.fromJson(store.read(fixture.manifestKey(0))));
    }
}
