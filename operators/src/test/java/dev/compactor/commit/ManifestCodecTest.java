package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestCodecTest {

    private static Manifest sample() {
        StagedWindow window = new StagedWindow();
        window.namespace = "orders";
        window.windowStart = 1_735_725_600_000L;
        window.windowEnd = 1_735_729_200_000L;
        window.generation = 2;
        window.attempt = 1;
        window.inputs.add(new StagedWindow.Input("data/orders/1735725600-w1-0.parquet", 900, 10));
        window.inputs.add(new StagedWindow.Input("data/orders/1735725601-w1-1.parquet", 800, 5));
        window.parts.add(new StagedWindow.Part("_staging/orders/1735725600000-g2-a1/p0.parquet",
                "data/orders/year=2025/month=01/day=01/hour=10/compacted-1735725600000-g2-p0.parquet", 15, 1200, "ab12"));
        window.quarantined.add(new StagedWindow.Quarantined("data/orders/1735725602-w2-0.parquet", 7, "bad magic"));
        window.missing.add("data/orders/1735725603-w3-0.parquet");
        return Manifest.of(window, Map.of(), Instant.parse("2025-01-01T11:05:00Z"));
    }

    @Test
    void roundTripsEveryField() throws IOException {
        Manifest manifest = sample();

        assertEquals(manifest, ManifestCodec.fromJson(ManifestCodec.toJson(manifest)));
    }

    @Test
    void derivesTotalsAndUtcTimesFromTheWindow() {
        Manifest manifest = sample();

        assertEquals(15, manifest.totalInputRows());
        assertEquals(15, manifest.totalOutputRows());
        assertEquals("2025-01-01T10:00:00Z", manifest.windowStartUtc());
        assertEquals("2025-01-01T11:00:00Z", manifest.windowEndUtc());
        assertEquals(List.of("data/orders/1735725603-w3-0.parquet"), manifest.missing());
    }

    @Test
    void isPrettyPrintedWithTheVersionFirst() throws IOException {
        String json = new String(ManifestCodec.toJson(sample()), StandardCharsets.UTF_8);

        assertTrue(json.startsWith("{\n  \"formatVersion\" : 1,\n  \"namespace\" : \"orders\""), json);
        assertTrue(json.contains("\"windowStartUtc\" : \"2025-01-01T10:00:00Z\""), json);
        assertTrue(json.contains("\"sha256\" : \"ab12\""), json);
    }

    @Test
    void readsManifestsWithFieldsItDoesNotKnow() throws IOException {
        String json = new String(ManifestCodec.toJson(sample()), StandardCharsets.UTF_8)
                .replace("\"formatVersion\" : 1,", "\"formatVersion\" : 1, \"writtenBy\" : \"a newer build\",");

        assertEquals(sample(), ManifestCodec.fromJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesAnUnknownFormatVersion() throws IOException {
        String json = new String(ManifestCodec.toJson(sample()), StandardCharsets.UTF_8)
                .replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");

        IOException e = assertThrows(IOException.class,
                () -> ManifestCodec.fromJson(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    @Test
    void refusesBytesThatAreNotAManifest() {
        assertThrows(IOException.class, () -> ManifestCodec.fromJson("{\"namespace\": ".getBytes(StandardCharsets.UTF_8)));
    }
}
