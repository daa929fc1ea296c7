package dev.compactor.merge.sort;

import dev.compactor.merge.AvroFiles;
import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.write.RowGroupFileSink;
import dev.compactor.merge.write.RowGroupFileWriter;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sorted merge writes rows in batches, gathered column by column from row groups decoded into arrays, when
 * every output column is flat. Rows copied one value at a time into parquet-java's column writers (what the merge
 * does for other schemas) are the reference: both must give the same rows in the same order, and the same
 * statistics.
 */
class BatchedSortedMergeTest {

    private static final Schema WIDE = SchemaBuilder.record("Wide").namespace("test").fields()
            .requiredLong("ts").requiredInt("n").requiredFloat("f").optionalDouble("d").requiredString("code")
            .requiredString("text").requiredLong("id").requiredInt("big").optionalString("added").endRecord();
    /** WIDE before the column "added" was added. */
    private static final Schema NARROW = SchemaBuilder.record("Wide").namespace("test").fields()
            .requiredLong("ts").requiredInt("n").requiredFloat("f").optionalDouble("d").requiredString("code")
            .requiredString("text").requiredLong("id").requiredInt("big").endRecord();

    /** Output row groups end at this many rows, so both ways cut them at the same rows. */
    private static final int ROW_GROUP_ROWS = 5000;

    @TempDir
    Path dir;

    private final CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
    private final MessageType schema = new AvroSchemaConverter(new PlainParquetConfiguration()).convert(WIDE);

    @AfterEach
    void release() {
        codecs.release();
    }

    @Test
    void batchesWriteTheRowsAndStatisticsThatRowsCopiedOneAtATimeDo() throws IOException {
        Window window = new Window();
        Random random = new Random(7);
        for (int f = 0; f < 6; f++) {
            // files overlap in ts, with ties across files; two lack the column "added"
            boolean narrow = f % 3 == 2;
            window.add(rows(random, 3000, f * 500L, narrow ? null : "a" + f), narrow ? NARROW : WIDE,
                    WriterVersion.PARQUET_1_0);
        }

        Path batched = dir.resolve("batched.parquet");
        Path oneByOne = dir.resolve("one-by-one.parquet");
        assertTrue(merge(window, batched, true));
        assertFalse(merge(window, oneByOne, false));

        List<String> expected = window.expected();
        assertEquals(expected, WindowFiles.asText(read(batched)));
        assertEquals(expected, WindowFiles.asText(read(oneByOne)));
        List<String> statistics = statistics(batched);
        assertEquals(statistics(oneByOne), statistics);
        // 4 row groups of 9 columns; a NaN leaves min and max of d out of its row group only
        assertEquals(36, statistics.size());
        assertEquals(1, statistics.stream().filter(s -> s.contains(" d: ") && s.contains("not defined")).count(),
                statistics.toString());
        assertEquals(4, statistics.stream().filter(s -> s.contains(" code: min: code-0, max: code-3")).count(),
                statistics.toString());
        assertEquals(4, statistics.stream().filter(s -> s.contains(" n: min: -25, max: 24")).count(),
                statistics.toString());
    }

    /**
     * Prefix-coded bytes (DELTA_BYTE_ARRAY, parquet-java's V2 fallback from a dictionary) may decode into more than
     * their chunk's size: such a window copies rows value by value.
     */
    @Test
    void aWindowWithPrefixCodedBytesIsCopiedValueByValue() throws IOException {
        Window window = new Window();
        Random random = new Random(11);
        for (int f = 0; f < 3; f++) {
            window.add(rows(random, 2000, f * 500L, "a" + f), WIDE,
                    f == 1 ? WriterVersion.PARQUET_2_0 : WriterVersion.PARQUET_1_0);
        }

        Path out = dir.resolve("out.parquet");
        assertFalse(merge(window, out, true));
        assertEquals(window.expected(), WindowFiles.asText(read(out)));
    }

    /** Sorted input files in a bucket, and the rows they hold. */
    private final class Window {
        final LocalObjectStore store = new LocalObjectStore(dir.resolve("bucket"));
        final List<SortedMerge.Source> sources = new ArrayList<>();
        private final List<GenericRecord> rows = new ArrayList<>();

        void add(List<GenericRecord> fileRows, Schema fileSchema, WriterVersion version) throws IOException {
            rows.addAll(fileRows);
            sources.add(write(store, "data/f" + sources.size() + ".parquet", fileSchema, fileRows, version));
        }

        /** Every row sorted by ts, ties in file order, as text. */
        List<String> expected() {
            List<GenericRecord> sorted = new ArrayList<>(rows);
            sorted.sort(AvroFiles.orderBy(WIDE, "ts"));
            return WindowFiles.asText(sorted);
        }
    }

    /**
     * Rows sorted by ts. "n" and "code" repeat a few values (dictionary pages), "id" and "big" do not (PLAIN
     * pages); "text" repeats, then does not,
     * so with the small dictionary page below its chunks fall back to PLAIN part way, and is sometimes empty;
     * "d" and "added" have nulls.
     */
    private static List<GenericRecord> rows(Random random, int count, long tsBase, String added) {
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GenericRecord r = new GenericData.Record(WIDE);
            r.put("ts", tsBase + i / 2);
            r.put("n", random.nextInt(50) - 25);
            r.put("f", random.nextFloat() - 0.5f);
            r.put("d", i % 5 == 0 ? null : tsBase == 500 && i == 1001 ? Double.NaN : random.nextGaussian());
            r.put("code", "code-" + random.nextInt(4));
            // repeating first, so a row group's first pages are dictionary-encoded before the dictionary overflows
            r.put("text", i % 1000 < 300 ? "t-" + i % 10
                    : i % 997 == 0 ? "" : Long.toString(random.nextLong(), 36) + "-" + i);
            r.put("id", random.nextLong());
            r.put("big", random.nextInt());
            r.put("added", added == null || i % 3 == 0 ? null : added + "-" + i % 13);
            rows.add(r);
        }
        return rows;
    }

    private SortedMerge.Source write(LocalObjectStore store, String key, Schema fileSchema, List<GenericRecord> rows,
                                     WriterVersion version) throws IOException {
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(fileSchema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withCompressionCodec(CompressionCodecName.SNAPPY).withRowGroupSize(48L << 10)
                .withPageSize(1 << 10).withDictionaryPageSize(8 << 10).withWriterVersion(version).build()) {
            for (GenericRecord r : rows) {
                GenericRecord out = new GenericData.Record(fileSchema);
                fileSchema.getFields().forEach(field -> out.put(field.name(), r.get(field.name())));
                w.write(out);
            }
        }
        InputFooter footer = InputFooter.read(store, key, store.head(key).orElseThrow().size());
        assertTrue(footer.rowGroups().size() > 1, "several row groups per file");
        return SortedMerge.Source.of(footer, ColumnMapping.between(footer.parquetSchema(), schema).orElseThrow());
    }

    /** @return whether the merge wrote its rows in batches */
    private boolean merge(Window window, Path out, boolean batches) throws IOException {
        List<SortedMerge.Source> sources = window.sources;
        SortColumn key = SortColumn.of(schema, "ts").orElseThrow();
        try (SpillDirectory spill = new SpillDirectory(dir.resolve("spill"));
             RowGroupFileWriter file = new RowGroupFileWriter(new LocalOutputFile(out), schema, null,
                     codecs.getCompressor(CompressionCodecName.SNAPPY), 8 << 10,
                     ColumnEncodings.of(sources.stream().map(SortedMerge.Source::footer).toList(), schema), Map.of(),
                     null)) {
            SortedMerge merge = new SortedMerge(schema, key, window.store, 64L << 20, 0, 16L << 10,
                    codecs.getCompressor(CompressionCodecName.UNCOMPRESSED), spill);
            merge.mergeInto(sources, new RowGroupFileSink(file, Long.MAX_VALUE, ROW_GROUP_ROWS) {
                @Override
                public boolean writesBatches() {
                    return batches && super.writesBatches();
                }
            });
            return merge.batched();
        }
    }

    private static List<GenericRecord> read(Path file) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        try (var reader = AvroFiles.reader(new LocalInputFile(file), WIDE)) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                rows.add(r);
            }
        }
        return rows;
    }

    /** Per row group and column, its statistics as text. */
    private static List<String> statistics(Path file) throws IOException {
        List<String> text = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            for (BlockMetaData block : reader.getRowGroups()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    text.add(block.getOrdinal() + " " + chunk.getPath().toDotString() + ": " + chunk.getStatistics());
                }
            }
        }
        return text;
    }
}
