package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.merge.reference.ExternalSort;
import dev.compactor.merge.reference.RowOrder;
import dev.compactor.merge.sort.SpillDirectory;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetMergerTest {

    @TempDir
    Path bucket;
    @TempDir
    Path spill;

    private LocalObjectStore store;
    private WindowFiles window;
    private final BucketLayout layout = BucketLayout.defaults();

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
        window = new WindowFiles(store);
    }

    private ParquetMerger merger(long targetBytes, String sortColumn, long memoryBytes) {
        return new ParquetMerger(store, layout,
                new MergeSettings(targetBytes, sortColumn, memoryBytes, "SNAPPY", spill.toString()));
    }

    private ParquetMerger unsorted() {
        return merger(128L << 20, null, 64L << 20);
    }

    @Test
    void mergedRowsAreExactlyTheInputRowsInFileOrder() throws IOException {
        List<GenericRecord> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.addAll(window.addEvents("w" + i, 1000 + i, i * 10L, 3));
        }

        StagedWindow staged = unsorted().merge(window.task(0));

        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
        assertEquals(1, staged.parts.size());
        StagedWindow.Part part = staged.parts.get(0);
        assertEquals(layout.stagingPartKey(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 0, 0), part.stagingKey);
        assertEquals(layout.finalPartKey(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 0), part.finalKey);
        assertEquals(expected.size(), part.rowCount);
        assertEquals(Files.size(store.pathOf(part.stagingKey)), part.sizeBytes);
        assertEquals(sha256(part.stagingKey), part.sha256);
        assertEquals(5, staged.inputs.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(1000 + i, staged.inputs.get(i).rowCount);
            assertEquals(window.task(0).files.get(i).key, staged.inputs.get(i).key);
        }
        assertTrue(staged.quarantined.isEmpty() && staged.missing.isEmpty());
    }

    /** Compressing pages on a second thread changes where the work runs, not what is written. */
    @Test
    void aMergeOnOneThreadOrTwoWritesTheSameRowsInTheSameOrder() throws IOException {
        List<GenericRecord> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.addAll(window.addEvents("w" + i, 3000, 1000 - i, 1));
        }
        int attempt = 0;
        for (String sortColumn : Arrays.asList(null, "ts")) {
            List<List<String>> rows = new ArrayList<>();
            for (int threads = 1; threads <= 2; threads++) {
                // every row re-encoded, into several row groups and parts
                MergeSettings settings = new MergeSettings(32L << 10, sortColumn, 4L << 20, "ZSTD", spill.toString(),
                        64L << 10, Long.MAX_VALUE, 2000, Long.MAX_VALUE, threads);
                StagedWindow staged = new ParquetMerger(store, layout, settings).merge(window.task(attempt++));
                assertTrue(staged.parts.size() > 1, "parts: " + staged.parts);
                rows.add(WindowFiles.asText(window.readParts(staged)));
            }
            assertEquals(rows.get(0), rows.get(1), "sorted by " + sortColumn);
            if (sortColumn == null) {
                assertEquals(WindowFiles.asText(expected), rows.get(0));
            }
        }
    }

    @Test
    void writesNothingOutsideTheAttemptsStagingDirectory() throws IOException {
        window.addEvents("w0", 500, 0, 1);
        List<String> before = keys("");

        StagedWindow staged = unsorted().merge(window.task(3));

        List<String> added = new ArrayList<>(keys(""));
        added.removeAll(before);
        String stagingDir = layout.stagingDir(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 3);
        assertEquals(staged.parts.stream().map(p -> p.stagingKey).toList(), added);
        assertTrue(added.stream().allMatch(k -> k.startsWith(stagingDir)));
    }

    @Test
    void rollsPartsWhenTheyReachTheTargetSize() throws IOException {
        List<GenericRecord> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.addAll(window.addEvents("w" + i, 5000, i, 8));
        }
        long target = 64L << 10;
        // whole input row groups are added column by column, so a part may pass the target by up to one of them
        long largestInput = window.task(0).files.stream().mapToLong(f -> f.size).max().orElseThrow();

        StagedWindow staged = merger(target, null, 8L << 20).merge(window.task(0));

        assertTrue(staged.parts.size() >= 3, "expected several parts, got " + staged.parts.size());
        for (int p = 0; p < staged.parts.size(); p++) {
            StagedWindow.Part part = staged.parts.get(p);
            assertEquals(layout.stagingPartKey(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 0, p), part.stagingKey);
            assertEquals(Files.size(store.pathOf(part.stagingKey)), part.sizeBytes);
            assertEquals(window.readObject(part.stagingKey).size(), part.rowCount);
            if (p < staged.parts.size() - 1) {
                assertTrue(part.sizeBytes > target / 2 && part.sizeBytes < target + largestInput,
                        "part " + p + " has " + part.sizeBytes + " bytes, target " + target + ", inputs up to "
                                + largestInput);
            }
        }
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void theSameTaskGivesByteIdenticalPartsOnEveryAttempt() throws IOException {
        for (int i = 0; i < 4; i++) {
            window.addEvents("w" + i, 3000, 1000 - i, 1);
        }
        ParquetMerger merger = merger(32L << 10, "ts", 4L << 20);

        StagedWindow first = merger.merge(window.task(0));
        StagedWindow retry = merger.merge(window.task(1));

        assertTrue(first.parts.size() > 1);
        assertEquals(first.parts.stream().map(p -> p.sha256).toList(), retry.parts.stream().map(p -> p.sha256).toList());
        for (int p = 0; p < first.parts.size(); p++) {
            assertTrue(Arrays.equals(store.read(first.parts.get(p).stagingKey), store.read(retry.parts.get(p).stagingKey)));
            assertEquals(sha256(first.parts.get(p).stagingKey), first.parts.get(p).sha256);
        }
    }

    @Test
    void aColumnMissingFromSomeFilesBecomesNullableAndReadsAsNull() throws IOException {
        List<GenericRecord> plain = window.addEvents("w0", 100, 0, 1);
        Schema withRegion = SchemaBuilder.record("Event").namespace("test").fields()
                .requiredLong("ts").requiredString("writer").requiredString("region").endRecord();
        List<GenericRecord> regional = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            GenericRecord r = new GenericData.Record(withRegion);
            r.put("ts", 500L + i);
            r.put("writer", "w1");
            r.put("region", "eu-" + i);
            regional.add(r);
        }
        window.add("w1", withRegion, regional, 1L << 20);

        StagedWindow staged = unsorted().merge(window.task(0));
        List<GenericRecord> rows = window.readParts(staged);

        assertEquals(150, rows.size());
        Schema out = rows.get(0).getSchema();
        assertEquals(List.of("ts", "writer", "seq", "value", "payload", "region"),
                out.getFields().stream().map(Schema.Field::name).toList());
        assertTrue(out.getField("region").schema().isNullable());
        assertTrue(out.getField("seq").schema().isNullable());
        assertFalse(out.getField("ts").schema().isNullable());
        for (int i = 0; i < 100; i++) {
            assertNull(rows.get(i).get("region"));
            assertEquals(plain.get(i).get("payload").toString(), rows.get(i).get("payload").toString());
        }
        for (int i = 0; i < 50; i++) {
            GenericRecord r = rows.get(100 + i);
            assertEquals("eu-" + i, r.get("region").toString());
            assertNull(r.get("seq"));
            assertEquals(500L + i, r.get("ts"));
        }
    }

    @Test
    void aFileWhoseColumnTypeConflictsIsQuarantinedAndTheOthersMerged() throws IOException {
        List<GenericRecord> expected = new ArrayList<>(window.addEvents("w0", 100, 0, 1));
        Schema seqAsString = SchemaBuilder.record("Event").fields()
                .requiredLong("ts").requiredString("seq").endRecord();
        GenericRecord bad = new GenericData.Record(seqAsString);
        bad.put("ts", 1L);
        bad.put("seq", "seven");
        String badKey = window.add("w1", seqAsString, List.of(bad), 1L << 20);
        expected.addAll(window.addEvents("w2", 100, 0, 1));

        StagedWindow staged = unsorted().merge(window.task(0));

        assertEquals(1, staged.quarantined.size());
        StagedWindow.Quarantined q = staged.quarantined.get(0);
        assertEquals(badKey, q.key);
        assertEquals(Files.size(store.pathOf(badKey)), q.size);
        assertTrue(q.reason.contains("column 'seq' is required binary seq (STRING) here but required int64 seq in the window's schema"), q.reason);
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
        assertEquals(2, staged.inputs.size());
        assertTrue(staged.inputs.stream().noneMatch(i -> i.key.equals(badKey)));
    }

    @Test
    void corruptAndTruncatedFilesAreQuarantinedWithTheirReason() throws IOException {
        List<GenericRecord> expected = new ArrayList<>(window.addEvents("w0", 200, 0, 1));
        String garbageKey = "data/" + WindowFiles.NS + "/1700000001-w1-1.parquet";
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        store.write(garbageKey, garbage);
        window.addExisting(garbageKey, "w1", WindowFiles.WINDOW_START + 1000);
        String truncatedKey = window.add("w2", WindowFiles.EVENT, window.addEventsRowsOnly("w2", 300), 1L << 20);
        byte[] whole = store.read(truncatedKey);
        store.write(truncatedKey, Arrays.copyOf(whole, whole.length / 2));
        expected.addAll(window.addEvents("w3", 200, 0, 1));

        StagedWindow staged = unsorted().merge(window.task(0));

        assertEquals(List.of(garbageKey, truncatedKey), staged.quarantined.stream().map(q -> q.key).toList());
        assertTrue(staged.quarantined.get(0).reason.contains("not a Parquet file"), staged.quarantined.get(0).reason);
        assertFalse(staged.quarantined.get(1).reason.isBlank());
        assertEquals(whole.length / 2, staged.quarantined.get(1).size);
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void aFileThatFailsAfterSomeOfItsRowsWereWrittenLeavesNoneOfThemInTheParts() throws IOException {
        List<GenericRecord> expected = new ArrayList<>(window.addEvents("w0", 2000, 0, 1));
        // Many small row groups: the first decodes fine, so its rows reach the part before the broken one fails.
        String brokenKey = window.add("w1", WindowFiles.EVENT, window.addEventsRowsOnly("w1", 20_000), 16L << 10);
        long secondRowGroup;
        try (ParquetFileReader footer = ParquetFiles.open(store.inputFile(brokenKey))) {
            assertTrue(footer.getFooter().getBlocks().size() > 2);
            secondRowGroup = footer.getFooter().getBlocks().get(1).getStartingPos();
        }
        byte[] bytes = store.read(brokenKey);
        Arrays.fill(bytes, (int) secondRowGroup, (int) secondRowGroup + 64, (byte) 0x7f);
        store.write(brokenKey, bytes);
        expected.addAll(window.addEvents("w2", 2000, 0, 1));

        StagedWindow staged = unsorted().merge(window.task(0));

        assertEquals(List.of(brokenKey), staged.quarantined.stream().map(q -> q.key).toList());
        assertFalse(staged.quarantined.get(0).reason.isBlank());
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
        assertEquals(2, staged.inputs.size());
    }

    @Test
    void anInputThatNoLongerExistsIsReportedMissing() throws IOException {
        List<GenericRecord> expected = window.addEvents("w0", 100, 0, 1);
        String goneKey = window.addExisting("data/" + WindowFiles.NS + "/1700000009-w9-9.parquet", "w9",
                WindowFiles.WINDOW_START + 9000);

        StagedWindow staged = unsorted().merge(window.task(0));

        assertEquals(List.of(goneKey), staged.missing);
        assertTrue(staged.quarantined.isEmpty());
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void aWindowWithNothingMergeableStagesNoParts() throws IOException {
        String garbageKey = "data/" + WindowFiles.NS + "/1700000001-w1-1.parquet";
        store.write(garbageKey, "not parquet at all".getBytes());
        window.addExisting(garbageKey, "w1", WindowFiles.WINDOW_START);
        window.addExisting("data/" + WindowFiles.NS + "/1700000002-w2-2.parquet", "w2", WindowFiles.WINDOW_START);

        StagedWindow staged = unsorted().merge(window.task(0));

        assertTrue(staged.parts.isEmpty() && staged.inputs.isEmpty());
        assertEquals(1, staged.quarantined.size());
        assertEquals(1, staged.missing.size());
        assertTrue(keys(BucketLayout.STAGING_PREFIX).isEmpty());
    }

    @Test
    void sortsTheWholeWindowThroughSpilledRunsInBoundedMemory() throws Exception {
        Schema nullableTs = WindowFiles.NULLABLE_TS_EVENT;
        Random random = new Random(7);
        List<GenericRecord> all = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            // a narrow key range gives many ties, which must keep file order
            List<GenericRecord> rows = WindowFiles.nullableTsEvents("w" + f, 2000, random, 50, 5000);
            window.add("w" + f, nullableTs, rows, 1L << 20);
            all.addAll(rows);
        }
        List<GenericRecord> expected = new ArrayList<>(all);
        expected.sort(AvroFiles.orderBy(nullableTs, "ts")); // List.sort is stable: ties stay in file order

        List<Path> created = new ArrayList<>();
        StagedWindow staged;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            spill.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            staged = merger(256L << 10, "ts", 4L << 20).merge(window.task(0));
            WatchKey key = watch.poll();
            if (key != null) {
                key.pollEvents().forEach(e -> created.add((Path) e.context()));
            }
        }

        assertFalse(created.isEmpty(), "the merge should have spilled runs");
        try (Stream<Path> left = Files.list(spill)) {
            assertEquals(List.of(), left.toList());
        }
        assertTrue(staged.parts.size() > 1);
        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
    }

    @Test
    void sortsASmallWindowInMemoryWithoutSpilling() throws IOException {
        List<GenericRecord> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.addAll(window.addEvents("w" + i, 300, 300 - i, -1));
        }
        expected.sort(AvroFiles.orderBy(WindowFiles.EVENT, "ts"));

        StagedWindow staged = merger(128L << 20, "ts", 64L << 20).merge(window.task(0));

        assertEquals(WindowFiles.asText(expected), WindowFiles.asText(window.readParts(staged)));
        try (Stream<Path> left = Files.list(spill)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void anUnknownSortColumnIsRejectedBeforeAnythingIsWritten() throws IOException {
        window.addEvents("w0", 10, 0, 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> merger(128L << 20, "nope", 64L << 20).merge(window.task(0)));

        assertTrue(e.getMessage().contains("sort column 'nope'"), e.getMessage());
        assertTrue(keys(BucketLayout.STAGING_PREFIX).isEmpty());
    }

    @Test
    void aFailedMergeLeavesNoStagedPartsBehind() throws IOException {
        for (int i = 0; i < 8; i++) {
            window.addEvents("w" + i, 5000, i, 8);
        }
        String thirdPart = layout.stagingPartKey(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 0, 2);
        ParquetMerger merger = new ParquetMerger(new FaultyStore(store, FaultyStore.failOutputs(thirdPart, false)), layout,
                new MergeSettings(64L << 10, null, 8L << 20, "SNAPPY", spill.toString()));

        IOException e = assertThrows(IOException.class, () -> merger.merge(window.task(0)));

        assertTrue(e.getMessage().contains("injected write failure"), e.getMessage());
        assertEquals(List.of(), keys(BucketLayout.STAGING_PREFIX));
    }

    @Test
    void theZstdLevelReachesTheCodecAndKeepsEveryRow() throws IOException {
        List<GenericRecord> written = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            written.addAll(window.addEvents("w" + i, 5000, i, 4));
        }
        List<String> hashes = new ArrayList<>();
        for (int level : new int[] {1, 19}) {
            MergeSettings settings = new MergeSettings(128L << 20, null, 64L << 20, "ZSTD", spill.toString(),
                    MergeSettings.DEFAULT_ROW_GROUP_SIZE, MergeSettings.DEFAULT_ROW_GROUP_SIZE / 8,
                    MergeSettings.DEFAULT_ROW_GROUP_ROWS, MergeSettings.DEFAULT_ROW_GROUP_ROWS / 8, 2, level);
            StagedWindow staged = new ParquetMerger(store, layout, settings).merge(window.task(level));
            assertEquals(1, staged.parts.size());
            hashes.add(staged.parts.get(0).sha256);
            assertEquals(WindowFiles.asText(written), WindowFiles.asText(window.readParts(staged)));
        }
        // which level is smaller depends on the data (these rows are so regular that level 1 wins on some
        // columns); that the level is applied shows in different bytes for the same rows
        assertNotEquals(hashes.get(0), hashes.get(1));
    }

    @Test
    void aCompressionLevelOutsideZstdsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MergeSettings(1L << 20,
                null, 8L << 20, "ZSTD", "", 1L << 20, 0, 1000, 0, 2, 0));
        assertTrue(e.getMessage().contains("compression level must be 1 (fastest) to 22 (smallest), was 0"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ts"})
    void aPartFailingPartWayThroughFailsTheMergeAndLeavesNothingBehind(String sortColumn)
            throws IOException {
        for (int i = 0; i < 8; i++) {
            window.addEvents("w" + i, 5000, i, 8);
        }
        String firstPart = layout.stagingPartKey(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 0, 0);
        // row groups of about 64 KB: the part fails part way through its second
        MergeSettings settings = new MergeSettings(128L << 20, sortColumn, 8L << 20, "ZSTD", spill.toString(),
                64L << 10, 8L << 10);
        ParquetMerger merger = new ParquetMerger(new FaultyStore(store, FaultyStore.failOutputAfter(firstPart, 100_000)), layout,
                settings);

        IOException e = assertThrows(IOException.class, () -> merger.merge(window.task(0)));

        assertFalse(e instanceof UnreadableInputException, e.toString());
        assertTrue(InputProblem.describe(e).contains("injected failure after 100000 bytes"), InputProblem.describe(e));
        assertEquals(List.of(), keys(BucketLayout.STAGING_PREFIX));
        assertEquals(8, keys("data/").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ts"})
    void anOutputThatFailsUncheckedIsNeverBlamedOnAnInput(String sortColumn) throws IOException {
        for (int i = 0; i < 3; i++) {
            window.addEvents("w" + i, 100, i, 1);
        }
        String firstPart = layout.stagingPartKey(WindowFiles.NS, WindowFiles.WINDOW_START, 0, 0, 0);
        ParquetMerger merger = new ParquetMerger(new FaultyStore(store, FaultyStore.failOutputs(firstPart, true)), layout,
                new MergeSettings(128L << 20, sortColumn, 8L << 20, "ZSTD", spill.toString()));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> merger.merge(window.task(0)));

        assertTrue(e.getMessage().contains("injected unchecked write failure"), e.getMessage());
        assertEquals(List.of(), keys(BucketLayout.STAGING_PREFIX));
    }

    @Test
    void externalSortMergesManyRunsInSeveralPassesAndKeepsTiesInInputOrder() throws IOException {
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveType.PrimitiveTypeName.INT64).named("k")
                .required(PrimitiveType.PrimitiveTypeName.INT32).named("n").named("Row");
        int[] identity = {0, 1};
        Random random = new Random(3);
        List<RowOrder.Row> rows = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            Group r = new SimpleGroup(schema);
            if (random.nextInt(20) != 0) {
                r.add(0, (long) random.nextInt(30));
            }
            r.add(1, n);
            rows.add(new RowOrder.Row(r, identity, null));
        }
        RowOrder order = RowOrder.by(schema, "k");
        List<RowOrder.Row> expected = new ArrayList<>(rows);
        expected.sort(order);
        List<RowOrder.Row> sorted = new ArrayList<>();

        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
        try (SpillDirectory runs = new SpillDirectory(spill);
             ExternalSort sort = new ExternalSort(schema, order, 10, 64L << 10, 3,
                     codecs.getCompressor(CompressionCodecName.UNCOMPRESSED), runs)) {
            for (RowOrder.Row r : rows) {
                sort.add(r);
            }
            sort.drainTo(sorted::add);
            assertEquals(100, sort.spilledRuns());
            assertTrue(sort.mergePasses() >= 4, "passes: " + sort.mergePasses());
        }

        assertEquals(expected.stream().map(r -> r.group().toString()).toList(),
                sorted.stream().map(r -> r.group().toString()).toList());
        try (Stream<Path> left = Files.list(spill)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void settingsAreCheckedWhenTheMergerIsBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new ParquetMerger(null, layout, MergeSettings.defaults()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ParquetMerger(store, layout,
                new MergeSettings(1L << 20, null, 8L << 20, "LZMA9", "")));
        assertTrue(e.getMessage().contains("unknown compression 'LZMA9'"), e.getMessage());
    }

    private List<String> keys(String prefix) throws IOException {
        return store.list(prefix).stream().map(ObjectInfo::key).toList();
    }

    private String sha256(String key) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(store.read(key)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
