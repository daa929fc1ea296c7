package dev.compactor.merge.write;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.StagedWindow;
import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.merge.transcode.PlainPageTranscoder;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The column-by-column re-encode of small row groups: pages moved by {@link PlainPageTranscoder} (PLAIN kept,
 * dictionary indexes replaced by values), chunks it cannot take (V2 pages, a column the input lacks) copied value
 * by value into the same column chunk, and dictionary columns kept dictionary-encoded. Statistics must equal what
 * parquet-java computes writing the same rows itself.
 */
class ColumnarReencodeTest {

    private static final Schema ROW = SchemaBuilder.record("Row").namespace("test").fields()
            .requiredLong("ts").requiredInt("n").requiredFloat("f").requiredDouble("d")
            .requiredString("payload").optionalLong("maybe").optionalString("note")
            .name("hash").type().fixed("Hash").size(4).noDefault()
            .requiredString("kind").endRecord();
    private static final Schema OLDER_ROW = SchemaBuilder.record("Row").namespace("test").fields()
            .requiredLong("ts").requiredInt("n").requiredFloat("f").requiredDouble("d")
            .requiredString("payload").optionalLong("maybe")
            .name("hash").type().fixed("Hash").size(4).noDefault()
            .requiredString("kind").endRecord();

    @TempDir
    Path bucket;
    @TempDir
    Path spill;
    @TempDir
    Path scratch;

    private LocalObjectStore store;
    private WindowFiles window;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
        window = new WindowFiles(store);
    }

    @Test
    void pagesOfEveryLayoutLandInOneRowGroupWithExactStatistics() throws IOException {
        Random random = new Random(7);
        List<GenericRecord> expected = new ArrayList<>();
        // dictionary pages, several per chunk; PLAIN pages; V2 pages (copied value by value); an older schema
        expected.addAll(write("dict", ROW, rows(ROW, random, 3000), true, WriterVersion.PARQUET_1_0));
        expected.addAll(write("plain", ROW, rows(ROW, random, 2000), false, WriterVersion.PARQUET_1_0));
        expected.addAll(write("v2", ROW, rows(ROW, random, 1500), true, WriterVersion.PARQUET_2_0));
        expected.addAll(write("older", OLDER_ROW, rows(OLDER_ROW, random, 1000), true, WriterVersion.PARQUET_1_0));
        expected.addAll(write("dict2", ROW, rows(ROW, random, 2500), true, WriterVersion.PARQUET_1_0));

        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), new MergeSettings(128L << 20, null,
                64L << 20, "ZSTD", spill.toString())).merge(window.task(0));

        List<GenericRecord> merged = window.readParts(staged);
        assertEquals(text(expected), text(merged), "rows in file order");
        ParquetMetadata footer = footerOf(store, staged.parts.get(0).stagingKey);
        assertEquals(1, footer.getBlocks().size());
        BlockMetaData out = footer.getBlocks().get(0);
        Map<String, ColumnChunkMetaData> reference = referenceChunks(expected);
        try (ParquetFileReader reader = ParquetFiles.open(store.inputFile(staged.parts.get(0).stagingKey));
             ParquetFileReader referenceReader = ParquetFiles.open(
                     LocalObjectStore.fileInput(scratch.resolve("reference.parquet")))) {
            for (ColumnChunkMetaData chunk : out.getColumns()) {
                String column = chunk.getPath().toDotString();
                Statistics<?> want = reference.get(column).getStatistics();
                assertEquals(want, chunk.getStatistics(), "statistics of " + column);
                assertEquals(want.getNumNulls(), chunk.getStatistics().getNumNulls(), "nulls of " + column);
                ColumnIndex index = reader.readColumnIndex(chunk);
                // parquet-java drops a float column's index when a page holds NaN; so must we
                boolean indexed = referenceReader.readColumnIndex(reference.get(column)) != null;
                assertEquals(!column.equals("f"), indexed);
                assertEquals(indexed, index != null, "column index of " + column);
                if (indexed) {
                    assertEquals(want.getNumNulls(), index.getNullCounts().stream().mapToLong(Long::longValue).sum());
                }
                assertNotNull(reader.readOffsetIndex(chunk), "offset index of " + column);
                assertEquals(CompressionCodecName.ZSTD, chunk.getCodec());
                boolean dictionary = chunk.getEncodingStats().hasDictionaryEncodedPages();
                assertEquals(column.equals("kind"), dictionary, column + " dictionary-encoded");
            }
        }
    }

    @Test
    void theSameLayoutsMergedInSortOrderComeOutInOrderWithExactStatistics() throws IOException {
        Random random = new Random(11);
        List<GenericRecord> expected = new ArrayList<>();
        expected.addAll(write("dict", ROW, sortedByN(rows(ROW, random, 3000)), true, WriterVersion.PARQUET_1_0));
        expected.addAll(write("plain", ROW, sortedByN(rows(ROW, random, 2000)), false, WriterVersion.PARQUET_1_0));
        expected.addAll(write("v2", ROW, sortedByN(rows(ROW, random, 1500)), true, WriterVersion.PARQUET_2_0));
        expected.addAll(write("older", OLDER_ROW, sortedByN(rows(OLDER_ROW, random, 1000)), true,
                WriterVersion.PARQUET_1_0));
        List<String> inOrder = text(sortedByN(expected));

        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), new MergeSettings(128L << 20, "n",
                64L << 20, "ZSTD", spill.toString())).merge(window.task(0));

        assertEquals(inOrder, text(window.readParts(staged)));
        Map<String, ColumnChunkMetaData> reference = referenceChunks(expected);
        for (ColumnChunkMetaData chunk : footerOf(store, staged.parts.get(0).stagingKey).getBlocks().get(0).getColumns()) {
            String column = chunk.getPath().toDotString();
            assertEquals(reference.get(column).getStatistics(), chunk.getStatistics(), "statistics of " + column);
        }
    }

    private static final Schema CODED = SchemaBuilder.record("Row").namespace("test").fields()
            .requiredLong("ts").requiredLong("seq").optionalString("region").requiredString("label").endRecord();

    @Test
    void lowCardinalityColumnsGetOneDictionaryForTheChunkAndOverflowToPlainPages() throws IOException {
        List<GenericRecord> expected = writeCodedWindow(false);

        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), new MergeSettings(1L << 30, null,
                64L << 20, "ZSTD", spill.toString())).merge(window.task(0));

        assertEquals(textIn(CODED, expected), textIn(CODED, window.readParts(staged)));
        assertOneDictionaryPerChunk(staged, expected);
    }

    /** The sorted merge writes rows one at a time, from a different input nearly every row, into the same pages. */
    @Test
    void aSortedMergeKeepsTheSameDictionariesAndOverflow() throws IOException {
        List<GenericRecord> expected = new ArrayList<>(writeCodedWindow(true));
        expected.sort(java.util.Comparator.comparingLong(r -> (Long) r.get("ts")));

        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), new MergeSettings(1L << 30, "ts",
                64L << 20, "ZSTD", spill.toString())).merge(window.task(0));

        assertEquals(textIn(CODED, expected), textIn(CODED, window.readParts(staged)));
        assertOneDictionaryPerChunk(staged, expected);
    }

    /** 120 files of CODED rows, each sorted by ts when asked; ts ranges overlap, so a sorted merge interleaves. */
    private List<GenericRecord> writeCodedWindow(boolean sortedByTs) throws IOException {
        Random random = new Random(5);
        List<GenericRecord> expected = new ArrayList<>();
        String filler = "x".repeat(250);
        for (int f = 0; f < 120; f++) {
            List<GenericRecord> rows = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                GenericRecord r = new GenericData.Record(CODED);
                r.put("ts", random.nextLong());
                r.put("seq", (long) i);
                r.put("region", random.nextInt(5) == 0 ? null : "region-" + random.nextInt(7));
                // 50 labels per file, new in every file: 6,000 labels of 260 bytes outgrow one dictionary page
                r.put("label", filler + f + "-" + random.nextInt(50));
                rows.add(r);
            }
            if (sortedByTs) {
                rows.sort(java.util.Comparator.comparingLong(r -> (Long) r.get("ts")));
            }
            // one file without dictionaries: its PLAIN pages go into the output's dictionary too
            expected.addAll(write("w" + f, CODED, rows, f != 7, WriterVersion.PARQUET_1_0));
        }
        return expected;
    }

    private void assertOneDictionaryPerChunk(StagedWindow staged, List<GenericRecord> rows) throws IOException {
        ParquetMetadata footer = footerOf(store, staged.parts.get(0).stagingKey);
        assertEquals(1, footer.getBlocks().size());
        Map<String, ColumnChunkMetaData> reference = referenceChunks(CODED, rows);
        for (ColumnChunkMetaData chunk : footer.getBlocks().get(0).getColumns()) {
            String column = chunk.getPath().toDotString();
            assertEquals(reference.get(column).getStatistics(), chunk.getStatistics(), "statistics of " + column);
            Set<Encoding> encodings = chunk.getEncodings();
            switch (column) {
                case "ts" -> assertFalse(chunk.getEncodingStats().hasDictionaryEncodedPages(), column);
                case "seq", "region" -> assertFalse(chunk.getEncodingStats().hasNonDictionaryEncodedPages(), column);
                default -> assertTrue(chunk.getEncodingStats().hasDictionaryEncodedPages()
                        && chunk.getEncodingStats().hasNonDictionaryEncodedPages(), column + " " + encodings);
            }
        }
    }

    private static List<String> textIn(Schema schema, List<GenericRecord> rows) {
        return rows.stream().map(r -> {
            GenericRecord out = new GenericData.Record(schema);
            schema.getFields().forEach(f -> out.put(f.name(), r.get(f.name()) == null ? null : r.get(f.name()).toString()));
            return out.toString();
        }).toList();
    }

    private static List<GenericRecord> sortedByN(List<GenericRecord> rows) {
        List<GenericRecord> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparingInt(r -> (Integer) r.get("n")));
        return sorted;
    }

    @Test
    void aPageWhoseValuesRunPastItsEndIsBlamedOnItsInputAndQuarantined() throws IOException {
        Random random = new Random(3);
        List<GenericRecord> good = write("good", ROW, rows(ROW, random, 500), false, WriterVersion.PARQUET_1_0);
        // without page CRCs, which would catch the change first
        write("bad", ROW, rows(ROW, random, 500), false, WriterVersion.PARQUET_1_0, CompressionCodecName.UNCOMPRESSED);
        String badKey = window.task(0).files.get(1).key;
        byte[] bytes = store.read(badKey);
        ColumnChunkMetaData payload = footerOf(store, badKey).getBlocks().get(0).getColumns().get(4);
        assertEquals("payload", payload.getPath().toDotString());
        // the first value's length prefix, right after the first page's header (a required column has no levels)
        ByteArrayInputStream in = new ByteArrayInputStream(bytes, (int) payload.getStartingPos(), bytes.length);
        Util.readPageHeader(in);
        int values = bytes.length - in.available();
        bytes[values + 3] = 0x7F;
        Files.write(store.pathOf(badKey), bytes);

        StagedWindow staged = new ParquetMerger(store, BucketLayout.defaults(), new MergeSettings(128L << 20, null,
                64L << 20, "ZSTD", spill.toString())).merge(window.task(0));

        assertEquals(List.of(badKey), staged.quarantined.stream().map(q -> q.key).toList());
        assertTrue(staged.quarantined.get(0).reason.contains("shorter than its value count"),
                staged.quarantined.get(0).reason);
        assertEquals(text(good), text(window.readParts(staged)));
    }

    private List<GenericRecord> write(String writer, Schema schema, List<GenericRecord> rows, boolean dictionary,
                                      WriterVersion version) throws IOException {
        return write(writer, schema, rows, dictionary, version, CompressionCodecName.SNAPPY);
    }

    private List<GenericRecord> write(String writer, Schema schema, List<GenericRecord> rows, boolean dictionary,
                                      WriterVersion version, CompressionCodecName codec) throws IOException {
        String key = "data/" + WindowFiles.NS + "/" + (WindowFiles.WINDOW_START / 1000 + window.task(0).files.size())
                + "-" + writer + ".parquet";
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withDictionaryEncoding(dictionary).withWriterVersion(version).withPageSize(8 << 10)
                .withPageRowCountLimit(700).withCompressionCodec(codec)
                .withPageWriteChecksumEnabled(codec != CompressionCodecName.UNCOMPRESSED)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (GenericRecord r : rows) {
                w.write(r);
            }
        }
        window.addExisting(key, writer, WindowFiles.WINDOW_START + 1000L * window.task(0).files.size());
        return rows;
    }

    private static List<GenericRecord> rows(Schema schema, Random random, int n) {
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GenericRecord r = new GenericData.Record(schema);
            r.put("ts", random.nextLong());
            r.put("n", random.nextInt());
            r.put("f", random.nextInt(50) == 0 ? Float.NaN : random.nextFloat() * 2 - 1);
            r.put("d", random.nextGaussian() * 1e6);
            r.put("payload", Long.toString(random.nextLong(), 36) + (random.nextBoolean() ? "é" : ""));
            r.put("maybe", random.nextInt(4) == 0 ? null : random.nextLong());
            if (schema.getField("note") != null) {
                r.put("note", random.nextInt(3) == 0 ? null : "note-" + random.nextInt());
            }
            byte[] hash = new byte[4];
            random.nextBytes(hash);
            r.put("hash", new GenericData.Fixed(schema.getField("hash").schema(), hash));
            r.put("kind", "kind-" + random.nextInt(5));
            rows.add(r);
        }
        return rows;
    }

    /** Chunk metadata of the same rows written by parquet-java itself into one row group. */
    private Map<String, ColumnChunkMetaData> referenceChunks(List<GenericRecord> rows) throws IOException {
        return referenceChunks(ROW, rows);
    }

    private Map<String, ColumnChunkMetaData> referenceChunks(Schema schema, List<GenericRecord> rows)
            throws IOException {
        Path file = scratch.resolve("reference.parquet");
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withRowGroupSize(1L << 30).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (GenericRecord r : rows) {
                GenericRecord asRow = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    Schema.Field in = r.getSchema().getField(f.name());
                    asRow.put(f.name(), in == null ? null : r.get(in.pos()));
                }
                w.write(asRow);
            }
        }
        Map<String, ColumnChunkMetaData> chunks = new HashMap<>();
        ParquetMetadata footer = footerOf(LocalObjectStore.fileInput(file));
        assertEquals(1, footer.getBlocks().size());
        footer.getBlocks().get(0).getColumns().forEach(c -> chunks.put(c.getPath().toDotString(), c));
        return chunks;
    }

    private static ParquetMetadata footerOf(LocalObjectStore store, String key) throws IOException {
        return footerOf(store.inputFile(key));
    }

    private static ParquetMetadata footerOf(org.apache.parquet.io.InputFile file) throws IOException {
        try (ParquetFileReader reader = ParquetFiles.open(file)) {
            return reader.getFooter();
        }
    }

    /** Rows as text in ROW's field order, a missing field as null, fixed bytes as hex. */
    private static List<String> text(List<GenericRecord> rows) {
        List<String> out = new ArrayList<>();
        for (GenericRecord r : rows) {
            StringBuilder b = new StringBuilder();
            for (Schema.Field f : ROW.getFields()) {
                Schema.Field in = r.getSchema().getField(f.name());
                Object v = in == null ? null : r.get(in.pos());
                if (v instanceof GenericData.Fixed fixed) {
                    v = java.util.HexFormat.of().formatHex(fixed.bytes());
                } else if (v instanceof ByteBuffer buffer) {
                    v = buffer.remaining();
                }
                b.append(f.name()).append('=').append(v).append(';');
            }
            out.add(b.toString());
        }
        assertFalse(out.isEmpty());
        assertTrue(out.size() == rows.size());
        return out;
    }
}
