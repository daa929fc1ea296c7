package dev.compactor.deadletter;

import dev.compactor.events.Rejection;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC);

    @TempDir
    Path bucket;

    @Test
    void oneJsonLinesObjectPerFlushUnderRejectedWithTheRawRecord() throws Exception {
        LocalObjectStore store = new LocalObjectStore(bucket);
        SimpleCounter written = new SimpleCounter();
        DeadLetterWriter writer = new DeadLetterWriter(store, 1, 0, 1 << 20, CLOCK, written);

        writer.flush(false);
        assertTrue(store.list("").isEmpty(), "an empty checkpoint writes nothing");

        writer.write(Rejection.malformedRecord("not \"json\"\n", "notification record is not JSON"), null);
        writer.write(new Rejection("data/x.txt", "PutObject", "NOT_PARQUET", "no .parquet"), null);
        writer.flush(false);
        writer.write(new Rejection("odd", "PutObject", "OUTSIDE_DATA_PREFIX", "elsewhere"), null);
        writer.flush(true);

        List<ObjectInfo> objects = store.list("_rejected/");
        assertEquals(2, objects.size(), objects.toString());
        assertEquals("_rejected/2026/11/25/" + CLOCK.millis() + "-s1-a0-0.jsonl", objects.get(0).key());
        List<String> lines = new String(store.read(objects.get(0).key()), StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size());
        JsonNode malformed = JSON.readTree(lines.get(0));
        assertEquals("MALFORMED_NOTIFICATION", malformed.get("reason").asText());
        assertEquals("not \"json\"\n", malformed.get("record").asText(), "the record as received");
        assertTrue(malformed.get("key").isNull());
        assertEquals("2026-11-25T10:15:30Z", malformed.get("time").asText());
        JsonNode notParquet = JSON.readTree(lines.get(1));
        assertEquals("data/x.txt", notParquet.get("key").asText());
        assertTrue(notParquet.get("record") == null, "no record field for object events");
        assertEquals(3, written.getCount());
    }

    @Test
    void flushesEarlyPastTheBufferBound() throws Exception {
        LocalObjectStore store = new LocalObjectStore(bucket);
        DeadLetterWriter writer = new DeadLetterWriter(store, 0, 2, 100, CLOCK, new SimpleCounter());
        for (int i = 0; i < 5; i++) {
            writer.write(new Rejection("k" + i, "PutObject", "NOT_PARQUET", "x".repeat(60)), null);
        }
        assertEquals(5, store.list("_rejected/").size(), "each line is past the 100-byte bound");
        assertTrue(store.list("_rejected/").stream().allMatch(o -> o.key().contains("-s0-a2-")));
    }
}
