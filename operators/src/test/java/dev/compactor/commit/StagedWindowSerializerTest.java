package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagedWindowSerializerTest {

    private final StagedWindowSerializer serializer = new StagedWindowSerializer();

    private static StagedWindow sample() {
        StagedWindow window = new StagedWindow();
        window.namespace = "orders";
        window.windowStart = 1_735_725_600_000L;
        window.windowEnd = 1_735_729_200_000L;
        window.generation = 3;
        window.attempt = 2;
        window.parts.add(new StagedWindow.Part("_staging/orders/1735725600000-g3-a2/p0.parquet",
                "data/orders/year=2025/month=01/day=01/hour=10/compacted-1735725600000-g3-p0.parquet", 42, 4096, "ff00"));
        window.inputs.add(new StagedWindow.Input("data/orders/1735725600-w1-0.parquet", 2048, 42));
        window.quarantined.add(new StagedWindow.Quarantined("data/orders/1735725601-w1-1.parquet", 12, "bad footer"));
        window.missing.add("data/orders/1735725602-w1-2.parquet");
        return window;
    }

    @Test
    void roundTripsEveryField() throws IOException {
        StagedWindow window = sample();

        StagedWindow restored = serializer.deserialize(serializer.getVersion(), serializer.serialize(window));

        assertEquals(window, restored);
        assertEquals(1, serializer.getVersion());
    }

    @Test
    void restoresCheckpointsThatCarryFieldsThisBuildDoesNotKnow() throws IOException {
        String json = new String(serializer.serialize(sample()), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{ \"schemaFingerprint\" : \"abc\",");

        assertEquals(sample(), serializer.deserialize(1, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unknownVersionIsAClearIOException() throws IOException {
        byte[] bytes = serializer.serialize(sample());

        IOException e = assertThrows(IOException.class, () -> serializer.deserialize(7, bytes));
        assertTrue(e.getMessage().contains("version 7"), e.getMessage());
        assertTrue(e.getMessage().contains("reads version 1"), e.getMessage());
    }

    @Test
    void stagedMarkerIsReadableJsonOfTheWindow() throws IOException {
        String json = new String(StagedWindowCodec.toJson(sample()), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"namespace\" : \"orders\""), json);
        assertTrue(json.contains("\"stagingKey\" : \"_staging/orders/1735725600000-g3-a2/p0.parquet\""), json);
        assertEquals(sample(), StagedWindowCodec.fromJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void garbageIsAnIOExceptionNotAParserError() {
        assertThrows(IOException.class, () -> serializer.deserialize(1, new byte[] {1, 2, 3}));
    }
}
