package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketWatchEnumeratorTest {

    private static final List<String> PREFIXES = List.of("data/");
    private static final long NOW = 1_714_600_000_000L;

    @TempDir
    Path bucket;
    private LocalObjectStore store;
    private ObjectStoreFactory factory;
    private RecordingEnumeratorContext context;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
        String root = bucket.toString();
        factory = () -> new LocalObjectStore(Path.of(root));
        context = new RecordingEnumeratorContext();
    }

    private BucketWatchEnumerator enumerator(BucketWatchCheckpoint restored) {
        BucketWatchEnumerator enumerator = new BucketWatchEnumerator(context, factory, PREFIXES, 1_000, () -> NOW, restored);
        enumerator.start();
        return enumerator;
    }

    private static List<String> keys(List<EventBatchSplit> splits) {
        List<String> keys = new ArrayList<>();
        splits.forEach(s -> s.events().forEach(e -> keys.add(e.action + " " + e.key)));
        return keys;
    }

    @Test
    void handsEventsToReaderZeroOnlyWhenItAsks() throws IOException {
        store.write("data/ns/a.parquet", new byte[1]);
        BucketWatchEnumerator enumerator = enumerator(BucketWatchCheckpoint.empty());
        context.registerReader(0);
        enumerator.addReader(0);

        context.pollOnce();
        assertEquals(List.of(), context.assigned, "no split before the reader asks");

        enumerator.handleSplitRequest(0, "localhost");
        assertEquals(List.of("CREATED data/ns/a.parquet"), keys(context.assigned));

        store.write("data/ns/b.parquet", new byte[1]);
        context.pollOnce();
        assertEquals(1, context.assigned.size(), "the reader has not asked for a second split");
        enumerator.handleSplitRequest(0, "localhost");
        assertEquals(List.of("CREATED data/ns/a.parquet", "CREATED data/ns/b.parquet"), keys(context.assigned));
        assertEquals(List.of(0L, 1L), context.assigned.stream().map(EventBatchSplit::sequence).toList());
    }

    @Test
    void compactedOutputsAreNeitherEmittedNorRemembered() throws IOException {
        store.write("data/ns/year=2024/month=01/day=01/hour=00/compacted-1704067200000-g0-p0.parquet", new byte[1]);
        store.write("data/ns/1704067200-w1-0.parquet", new byte[1]);
        BucketWatchEnumerator enumerator = enumerator(BucketWatchCheckpoint.empty());
        context.registerReader(0);
        enumerator.addReader(0);
        context.pollOnce();
        enumerator.handleSplitRequest(0, "localhost");
        assertEquals(List.of("CREATED data/ns/1704067200-w1-0.parquet"), keys(context.assigned));
        assertEquals(1, enumerator.snapshotState(1L).known().size(), "the output is not in the checkpoint");
    }

    @Test
    void otherReadersAreToldNoSplitsWillCome() {
        BucketWatchEnumerator enumerator = enumerator(BucketWatchCheckpoint.empty());
        context.registerReader(0);
        context.registerReader(1);
        enumerator.addReader(0);
        enumerator.addReader(1);
        enumerator.handleSplitRequest(1, "localhost");

        assertEquals(List.of(1), context.noMoreSplits);
        assertEquals(List.of(), context.assigned);
    }

    @Test
    void waitsForReaderZeroToRegister() throws IOException {
        store.write("data/ns/a.parquet", new byte[1]);
        BucketWatchEnumerator enumerator = enumerator(BucketWatchCheckpoint.empty());
        enumerator.handleSplitRequest(0, "localhost");
        context.pollOnce();
        assertEquals(List.of(), context.assigned);

        context.registerReader(0);
        enumerator.addReader(0);
        enumerator.handleSplitRequest(0, "localhost");
        assertEquals(List.of("CREATED data/ns/a.parquet"), keys(context.assigned));
    }

    @Test
    void failedListingChangesNothing() throws IOException {
        store.write("data/ns/a.parquet", new byte[1]);
        factory = () -> {
            throw new IOException("bucket unreachable");
        };
        BucketWatchEnumerator enumerator = enumerator(BucketWatchCheckpoint.empty());
        context.pollOnce();

        BucketWatchCheckpoint checkpoint = enumerator.snapshotState(1);
        assertTrue(checkpoint.known().isEmpty());
        assertTrue(checkpoint.pending().isEmpty());
    }

    @Test
    void splitsReturnedAfterAFailureGoBackBeforeNewerEvents() throws IOException {
        store.write("data/ns/a.parquet", new byte[1]);
        store.write("data/ns/b.parquet", new byte[1]);
        BucketWatchEnumerator enumerator = enumerator(BucketWatchCheckpoint.empty());
        context.registerReader(0);
        enumerator.addReader(0);
        enumerator.handleSplitRequest(0, "localhost");
        context.pollOnce();
        List<EventBatchSplit> lost = List.copyOf(context.assigned);

        store.delete("data/ns/a.parquet");
        context.unregisterReader(0);
        context.pollOnce();
        enumerator.addSplitsBack(lost, 0);

        context.registerReader(0);
        enumerator.addReader(0);
        enumerator.handleSplitRequest(0, "localhost");
        assertEquals(List.of("CREATED data/ns/a.parquet", "CREATED data/ns/b.parquet",
                "CREATED data/ns/a.parquet", "CREATED data/ns/b.parquet", "DELETED data/ns/a.parquet"),
                keys(context.assigned));
    }

    @Test
    void restoredEnumeratorNeitherReEmitsNorLosesPendingEvents() throws IOException {
        store.write("data/ns/a.parquet", new byte[1]);
        BucketWatchEnumerator first = enumerator(BucketWatchCheckpoint.empty());
        context.pollOnce();
        BucketWatchCheckpoint checkpoint = first.snapshotState(1);
        assertEquals(List.of("data/ns/a.parquet"), checkpoint.pending().stream().map(e -> e.key).toList());

        store.write("data/ns/b.parquet", new byte[1]);
        context = new RecordingEnumeratorContext();
        BucketWatchEnumerator restored = enumerator(checkpoint);
        context.registerReader(0);
        restored.addReader(0);
        context.pollOnce();
        restored.handleSplitRequest(0, "localhost");

        assertEquals(List.of("CREATED data/ns/a.parquet", "CREATED data/ns/b.parquet"), keys(context.assigned));
    }

    @Test
    void aLargeListingIsCutIntoBoundedSplits() throws IOException {
        List<ObjectEvent> many = new ArrayList<>();
        for (int i = 0; i < BucketWatchEnumerator.MAX_EVENTS_PER_SPLIT + 5; i++) {
            many.add(ObjectEvent.created(String.format("data/ns/%06d.parquet", i), 1, "e", 1));
        }
        BucketWatchEnumerator enumerator = enumerator(
                new BucketWatchCheckpoint(new TreeMap<>(), many, 0));
        context.registerReader(0);
        enumerator.addReader(0);

        enumerator.handleSplitRequest(0, "localhost");
        enumerator.handleSplitRequest(0, "localhost");

        assertEquals(List.of(BucketWatchEnumerator.MAX_EVENTS_PER_SPLIT, 5),
                context.assigned.stream().map(s -> s.events().size()).toList());
        assertEquals(many, context.assigned.stream().flatMap(s -> s.events().stream()).toList());
    }
}
