package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketWatchSerializersTest {

    private static final List<ObjectEvent> EVENTS = List.of(
            new ObjectEvent(ObjectEvent.Action.CREATED, "listing:new", "data/café/1714564800-w-0.parquet", 42, "e-1", 17),
            new ObjectEvent(ObjectEvent.Action.DELETED, "listing:gone", "data/ns/1714564801-w-1.parquet", 0, null, 18),
            new ObjectEvent(null, null, "k".repeat(70_000), 0, null, 0));

    @Test
    void splitSurvivesARoundTrip() throws IOException {
        EventBatchSplitSerializer serializer = new EventBatchSplitSerializer();
        EventBatchSplit split = new EventBatchSplit(7, EVENTS);

        EventBatchSplit copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertEquals(split, copy);
        assertEquals("events-7", copy.splitId());
    }

    @Test
    void checkpointSurvivesARoundTrip() throws IOException {
        BucketWatchCheckpointSerializer serializer = new BucketWatchCheckpointSerializer();
        TreeMap<String, BucketListingDiff.Version> known = new TreeMap<>();
        known.put("data/ns/a.parquet", new BucketListingDiff.Version(10, "e1"));
        known.put("_manifests/ns/1-g0.json", new BucketListingDiff.Version(3, null));
        BucketWatchCheckpoint checkpoint = new BucketWatchCheckpoint(known, EVENTS, 12);

        assertEquals(checkpoint, serializer.deserialize(serializer.getVersion(), serializer.serialize(checkpoint)));
    }

    @Test
    void unknownVersionsAreRefusedWithAClearMessage() {
        IOException split = assertThrows(IOException.class, () -> new EventBatchSplitSerializer().deserialize(99, new byte[0]));
        IOException checkpoint = assertThrows(IOException.class,
                () -> new BucketWatchCheckpointSerializer().deserialize(99, new byte[0]));
        assertTrue(split.getMessage().contains("version 99"), split.getMessage());
        assertTrue(checkpoint.getMessage().contains("version 99"), checkpoint.getMessage());
    }
}
