package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.merge.write.PartWriter;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per way rows travel through the merger: byte copy, column-wise re-encode, Avro, k-way, external sort. */
class ParquetMergerPathsTest {

    @TempDir
    Path bucket;
    @TempDir
    Path spill;

    private LocalObjectStore store;
    private WindowFiles window;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
        window = new WindowFiles(store);
    }

    private ParquetMerger merger(String sortColumn, long memoryBytes, long rowGroupBytes, long copyBytes) {
        return new ParquetMerger(store, BucketLayout.defaults(), new MergeSettings(128L << 20, sortColumn, memoryBytes,
                "ZSTD", spill.toString(), rowGroupBytes, copyBytes));
    }

    @Test
    void largeRowGroupsAreCopiedAsBytesAndSmallOnesCoalesced() throws IOException {
        List<GenericRecord> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.addAll(window.addEvents("s" + i, 200, i, 1));
        }
        List<GenericRecord> large = WindowFiles.events("big", 30_000, 0, 1);
        String largeKey = window.add("big", WindowFiles.EVENT, large, 256L << 10);
        expected.addAll(large);
        for (int i = 10; i < 20; i++) {
            expected.addAll(window.addEvents("s" + i, 200, i, 1));
        }
        List<BlockMetaData> largeGroups = footerOf(largeKey).getBlocks();
        long smallest = largeGroups.stream().mapToLong(BlockMetaData::getCompressedSize).min().orElseThrow();
        assertTrue(largeGroups.size() > 1);

        ParquetMerger merger = merger(null, 64L << 20, 8L << 20, smallest);
        StagedWindow staged = merger.merge(window.task(0));

        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
        assertEquals(1, staged.parts.size());
        var footer = footerOf(staged.parts.get(0).stagingKey);
        List<BlockMetaData> out = footer.getBlocks();
        // 10 small files coalesced, the large file's row groups copied unchanged, 10 small files coalesced
        assertEquals(largeGroups.size() + 2, out.size());
        for (int g = 0; g < largeGroups.size(); g++) {
            BlockMetaData copied = out.get(g + 1);
            assertEquals(largeGroups.get(g).getRowCount(), copied.getRowCount());
            assertEquals(largeGroups.get(g).getCompressedSize(), copied.getCompressedSize());
            assertEquals(CompressionCodecName.SNAPPY, copied.getColumns().get(0).getCodec());
        }
        assertEquals(2000, out.get(0).getRowCount());
        assertEquals(CompressionCodecName.ZSTD, out.get(0).getColumns().get(0).getCodec());
        Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
        assertEquals("21", kv.get(PartWriter.INPUT_COUNT_KEY));
        assertEquals("0", kv.get(PartWriter.GENERATION_KEY));
        try (ParquetFileReader reader = ParquetFiles.open(store.inputFile(staged.parts.get(0).stagingKey))) {
            for (BlockMetaData block : out) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    assertNotNull(reader.readColumnIndex(chunk), "column index of " + chunk.getPath());
                    assertNotNull(reader.readOffsetIndex(chunk), "offset index of " + chunk.getPath());
                    assertFalse(chunk.getStatistics().isEmpty());
                }
            }
        }

        StagedWindow retry = merger.merge(window.task(1));
        assertEquals(staged.parts.get(0).sha256, retry.parts.get(0).sha256);
    }

    @Test
    void aDamagedPageInARowGroupCopiedAsBytesQuarantinesItsFileInsteadOfPassingIntoTheOutput() throws IOException {
        List<GenericRecord> expected = new ArrayList<>(window.addEvents("s0", 200, 0, 1));
        String largeKey = window.add("big", WindowFiles.EVENT, WindowFiles.events("big", 30_000, 0, 1), 256L << 10);
        expected.addAll(window.addEvents("s1", 200, 0, 1));
        BlockMetaData second = footerOf(largeKey).getBlocks().get(1);
        ColumnChunkMetaData chunk = second.getColumns().get(2);
        byte[] bytes = store.read(largeKey);
        ByteArrayInputStream header = new ByteArrayInputStream(bytes, (int) chunk.getStartingPos(), bytes.length);
        int pageSize = Util.readPageHeader(header).getCompressed_page_size();
        int pageStart = bytes.length - header.available();
        bytes[pageStart + pageSize / 2] ^= 0x01;
        Files.write(store.pathOf(largeKey), bytes);

        StagedWindow staged = merger(null, 64L << 20, 8L << 20, 1).merge(window.task(0));

        assertEquals(List.of(largeKey), staged.quarantined.stream().map(q -> q.key).toList());
        assertTrue(staged.quarantined.get(0).reason.contains("does not match its CRC"), staged.quarantined.get(0).reason);
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void mixedSchemasCopyWhatMatchesAndReencodeTheRestColumnWise() throws IOException {
        List<GenericRecord> expected = new ArrayList<>(window.addEvents("w0", 300, 0, 1));
        Schema withRequiredRegion = SchemaBuilder.record("Event").namespace("test").fields()
                .requiredLong("ts").requiredString("writer").requiredString("region").endRecord();
        List<GenericRecord> regional = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            GenericRecord r = new GenericData.Record(withRequiredRegion);
            r.put("ts", 1000L + i);
            r.put("writer", "w1");
            r.put("region", "eu-" + i % 7);
            regional.add(r);
        }
        window.add("w1", withRequiredRegion, regional, 1L << 20);
        expected.addAll(regional);
        // exactly the window's schema: its row group is copied, the others are not
        Schema asOutput = SchemaBuilder.record("Event").namespace("test").fields()
                .requiredLong("ts").requiredString("writer").optionalLong("seq").optionalDouble("value")
                .optionalString("payload").optionalString("region").endRecord();
        List<GenericRecord> same = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            GenericRecord r = new GenericData.Record(asOutput);
            r.put("ts", 2000L + i);
            r.put("writer", "w2");
            r.put("seq", i % 3 == 0 ? null : (long) i);
            r.put("region", i % 2 == 0 ? null : "us");
            same.add(r);
        }
        window.add("w2", asOutput, same, 1L << 20);
        expected.addAll(same);

        StagedWindow staged = merger(null, 64L << 20, 8L << 20, 0).merge(window.task(0));

        assertEquals(asText(expected, asOutput), asText(window.readParts(staged), asOutput));
        List<BlockMetaData> out = footerOf(staged.parts.get(0).stagingKey).getBlocks();
        assertEquals(2, out.size());
        assertEquals(600, out.get(0).getRowCount());
        assertEquals(CompressionCodecName.SNAPPY, out.get(1).getColumns().get(0).getCodec());
    }

    @Test
    void inputsWhoseListLayoutDiffersAreNotMixedButQuarantinedNamingTheColumn() throws IOException {
        Schema withList = SchemaBuilder.record("Event").namespace("test").fields()
                .requiredLong("ts").name("tags").type().array().items().stringType().noDefault().endRecord();
        List<GenericRecord> expected = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            List<GenericRecord> rows = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                GenericRecord r = new GenericData.Record(withList);
                r.put("ts", (long) i);
                r.put("tags", List.of("t" + f, "x" + i % 5).subList(0, 1 + i % 2));
                rows.add(r);
            }
            // file 1 uses the newer three-level list layout, which the output's layout does not match
            String key = "data/" + WindowFiles.NS + "/" + (WindowFiles.WINDOW_START / 1000 + f) + "-w" + f + "-" + f + ".parquet";
            PlainParquetConfiguration conf = new PlainParquetConfiguration();
            conf.set("parquet.avro.write-old-list-structure", Boolean.toString(f != 1));
            try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                    .withSchema(withList).withConf(conf).withDataModel(GenericData.get())
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                for (GenericRecord r : rows) {
                    w.write(r);
                }
            }
            window.addExisting(key, "w" + f, WindowFiles.WINDOW_START + 1000L * f);
            if (f != 1) {
                expected.addAll(rows);
            }
        }
        assertFalse(ColumnMapping.between(footerOf(window.task(0).files.get(1).key).getFileMetaData().getSchema(),
                footerOf(window.task(0).files.get(0).key).getFileMetaData().getSchema()).isPresent());

        StagedWindow staged = merger(null, 64L << 20, 8L << 20, 0).merge(window.task(0));

        // a reader of the two-level list reads other types than one of the three-level list: not one column
        assertEquals(List.of(window.task(0).files.get(1).key), staged.quarantined.stream().map(q -> q.key).toList());
        assertTrue(staged.quarantined.get(0).reason.startsWith("column 'tags' is "), staged.quarantined.get(0).reason);
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void sortedInputsAreStreamedThroughSpilledRunsWhenTheyDoNotFitTogether() throws Exception {
        Schema nullableTs = WindowFiles.NULLABLE_TS_EVENT;
        Random random = new Random(11);
        List<GenericRecord> all = new ArrayList<>();
        for (int f = 0; f < 60; f++) {
            List<GenericRecord> rows = WindowFiles.nullableTsEvents("w" + f, 1500, random, 40, 3000);
            var order = AvroFiles.orderBy(nullableTs, "ts");
            rows.sort(order);
            // several row groups per file, so the merge moves from row group to row group
            window.add("w" + f, nullableTs, rows, 48L << 10);
            all.addAll(rows);
        }
        List<GenericRecord> expected = new ArrayList<>(all);
        expected.sort(AvroFiles.orderBy(nullableTs, "ts"));

        List<Path> created = new ArrayList<>();
        StagedWindow staged;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            spill.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            staged = merger("ts", 4L << 20, 1L << 20, 0).merge(window.task(0));
            WatchKey key = watch.poll();
            if (key != null) {
                key.pollEvents().forEach(e -> created.add((Path) e.context()));
            }
        }

        assertFalse(created.isEmpty(), "the inputs do not fit 2 mb together: runs should have been spilled");
        try (Stream<Path> left = Files.list(spill)) {
            assertEquals(List.of(), left.toList());
        }
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void sortedStringColumnsMergeInUtf8ByteOrder() throws IOException {
        List<GenericRecord> all = new ArrayList<>();
        String[] words = {"Zebra", "apple", "Äpfel", "zoo", "éclair", "Apple", "", "banana", "日本", "bananas"};
        for (int f = 0; f < 4; f++) {
            List<GenericRecord> rows = WindowFiles.events("w" + f, 50, 0, 1);
            for (int i = 0; i < rows.size(); i++) {
                rows.get(i).put("payload", words[(i * 7 + f) % words.length] + (i % 3));
            }
            rows.sort(AvroFiles.orderBy(WindowFiles.EVENT, "payload"));
            window.add("w" + f, WindowFiles.EVENT, rows, 1L << 20);
            all.addAll(rows);
        }
        all.sort(AvroFiles.orderBy(WindowFiles.EVENT, "payload"));

        StagedWindow staged = merger("payload", 64L << 20, 8L << 20, 0).merge(window.task(0));

        assertEquals(WindowFiles.asText(all), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void anInputFoundUnsortedWhileMergingFallsBackToTheExternalSort() throws IOException {
        List<GenericRecord> all = new ArrayList<>();
        for (int f = 0; f < 5; f++) {
            List<GenericRecord> rows = WindowFiles.events("w" + f, 2000, f, 5);
            if (f == 3) {
                // one row out of place: one row group, so the statistics cannot tell
                rows.get(1500).put("ts", -1L);
            }
            window.add("w" + f, WindowFiles.EVENT, rows, 1L << 20);
            all.addAll(rows);
        }
        all.sort(AvroFiles.orderBy(WindowFiles.EVENT, "ts"));

        StagedWindow staged = merger("ts", 64L << 20, 8L << 20, 0).merge(window.task(0));

        assertEquals(WindowFiles.asText(all), WindowFiles.asText(window.readParts(staged)));
        assertEquals(staged.parts.stream().map(p -> p.stagingKey).toList(),
                store.list(BucketLayout.STAGING_PREFIX).stream().map(o -> o.key()).toList());
    }

    private org.apache.parquet.hadoop.metadata.ParquetMetadata footerOf(String key) throws IOException {
        try (ParquetFileReader reader = ParquetFiles.open(store.inputFile(key))) {
            return reader.getFooter();
        }
    }

    /** Rows as text in one schema's field order, so rows read with and without a column compare equal. */
    private static List<String> asText(List<GenericRecord> rows, Schema schema) {
        return rows.stream().map(r -> {
            GenericRecord out = new GenericData.Record(schema);
            for (Schema.Field f : schema.getFields()) {
                Schema.Field in = r.getSchema().getField(f.name());
                out.put(f.name(), in == null ? null : r.get(in.pos()) == null ? null : r.get(in.pos()).toString());
            }
            return out.toString();
        }).sorted(Comparator.naturalOrder()).toList();
    }
}
