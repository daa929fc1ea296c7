package dev.compactor.job.demo;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriterSimulatorTest {

    private static final Pattern SOURCE_KEY =
            Pattern.compile("data/(users|orders|events)/(\\d+)-(writer\\d+)-(\\d+)\\.parquet");
    private static final Instant NOW = Instant.parse("2025-11-25T16:03:07.250Z");

    @TempDir
    Path bucket;

    private LocalObjectStore store;
    private WriterSimulator simulator;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
        simulator = new WriterSimulator(store, BucketLayout.defaults(), new WriterSimulator.Settings(3, 3, 100, 50),
                Clock.fixed(NOW, ZoneOffset.UTC), 42);
    }

    @Test
    void everyWriterWritesToEveryNamespaceWithParsableNames() throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            keys.add(simulator.writeNext());
        }

        assertEquals(keys.stream().sorted().toList(), store.list("data/").stream().map(ObjectInfo::key).toList());
        Map<String, List<Long>> seqsByWriter = new HashMap<>();
        Map<String, Integer> filesByNamespace = new HashMap<>();
        for (String key : keys) {
            Matcher m = SOURCE_KEY.matcher(key);
            assertTrue(m.matches(), key);
            assertEquals(NOW.getEpochSecond(), Long.parseLong(m.group(2)), key);
            seqsByWriter.computeIfAbsent(m.group(3), w -> new ArrayList<>()).add(Long.parseLong(m.group(4)));
            filesByNamespace.merge(m.group(1), 1, Integer::sum);
        }
        assertEquals(Map.of("users", 6, "orders", 6, "events", 6), filesByNamespace);
        assertEquals(Map.of("writer1", List.of(0L, 1L, 2L, 3L, 4L, 5L), "writer2", List.of(0L, 1L, 2L, 3L, 4L, 5L),
                "writer3", List.of(0L, 1L, 2L, 3L, 4L, 5L)), seqsByWriter);
        assertEquals(18, simulator.filesWritten());
        assertEquals(18 * 50, simulator.rowsWritten());
    }

    @Test
    void filesHoldReadableRowsOfTheDemoSchema() throws IOException {
        String key = simulator.writeNext();
        Matcher m = SOURCE_KEY.matcher(key);
        assertTrue(m.matches(), key);

        List<GenericRecord> rows = read(key);
        assertEquals(50, rows.size());
        for (GenericRecord row : rows) {
            assertEquals(m.group(3), row.get("writer").toString());
            assertEquals(Long.parseLong(m.group(4)), row.get("seq"));
            long ts = (Long) row.get("ts");
            assertTrue(ts <= NOW.toEpochMilli() && ts > NOW.toEpochMilli() - 60_000, "ts " + ts);
            assertTrue((Long) row.get("user_id") > 0);
            assertTrue(row.get("value") instanceof Double);
            assertTrue(row.get("payload").toString().length() >= 16);
        }
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws IOException {
        simulator.writeNext();
        simulator.writeNext();
        try (Stream<Path> files = Files.walk(bucket)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList());
        }
    }

    @Test
    void censusCountsEachKindOfObject() throws IOException {
        for (int i = 0; i < 4; i++) {
            simulator.writeNext();
        }
        BucketLayout layout = BucketLayout.defaults();
        byte[] any = "x".getBytes(StandardCharsets.UTF_8);
        store.write(layout.finalPartKey("users", 0, 0, 0), any);
        store.write(layout.manifestKey("users", 0, 0), any);
        store.write(layout.quarantineKey("data/orders/1-writer1-9.parquet", any.length), any);
        store.write(layout.quarantineReasonKey("data/orders/1-writer1-9.parquet", any.length), any);
        store.write("data/users/notes.txt", any);

        assertEquals(new BucketCensus(4, 1, 1, 1), BucketCensus.take(store, layout));
    }

    @Test
    void stopsCleanlyAndCountsWhatItWrote() throws IOException {
        simulator.start();
        assertThrows(IllegalStateException.class, simulator::start);
        simulator.stop();
        simulator.stop();

        assertEquals(simulator.filesWritten(), store.list("data/").size());
        assertEquals(0, simulator.failedWrites());
    }

    @Test
    void settingsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new WriterSimulator.Settings(0, 3, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new WriterSimulator.Settings(3, 3, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new WriterSimulator.Settings(3, 3, Double.NaN, 10));
        assertEquals(List.of("users", "orders", "events", "ns4"), WriterSimulator.namespaceNames(4));
    }

    private List<GenericRecord> read(String key) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(store.inputFile(key),
                        new PlainParquetConfiguration())
                .withDataModel(GenericData.get())
                .build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                rows.add(r);
            }
        }
        return rows;
    }
}
