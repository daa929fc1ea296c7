package dev.compactor.job.bridge;

import dev.compactor.events.NotificationParser;
import dev.compactor.events.ObjectEvent;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.LocalObjectStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NotificationBridgeTest {

    @TempDir
    Path dir;

    @Test
    void announcesCreatedAndRemovedObjectsAsS3NotificationsTheJobParses() throws Exception {
        LocalObjectStore store = new LocalObjectStore(dir);
        List<String[]> published = new ArrayList<>();
        NotificationBridge bridge = new NotificationBridge(store, BucketLayout.defaults(), "lake", "raw/", "eu-west-1",
                (key, record) -> published.add(new String[] {key, record}),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        store.write("data/ns/1-w 1-1.parquet", new byte[7]);
        store.write("_manifests/ns/0-g0.json", new byte[2]);
        store.write("_control/ns/1714561200000-0a1b2c3d.priority-0.json", new byte[3]);
        store.write("_quarantine/ns/1-w-2.parquet.reason.json", new byte[4]);
        store.write("_rejected/x.jsonl", new byte[1]);

        assertEquals(4, bridge.poll(), "data, manifests, control commands and quarantine reasons, not dead letters");
        assertEquals(0, bridge.poll(), "nothing changed");
        store.delete("data/ns/1-w 1-1.parquet");
        assertEquals(1, bridge.poll());

        NotificationParser parser = new NotificationParser();
        List<String> events = new ArrayList<>();
        for (String[] p : published) {
            for (ObjectEvent e : parser.parse(p[1])) {
                assertEquals(p[0], e.key, "partition key is the full key");
                events.add(e.action + " " + e.key + " " + e.size);
            }
        }
        assertEquals(List.of("CREATED raw/_control/ns/1714561200000-0a1b2c3d.priority-0.json 3",
                "CREATED raw/_manifests/ns/0-g0.json 2", "CREATED raw/_quarantine/ns/1-w-2.parquet.reason.json 4",
                "CREATED raw/data/ns/1-w 1-1.parquet 7",
                "DELETED raw/data/ns/1-w 1-1.parquet 0"), events);
    }
}
