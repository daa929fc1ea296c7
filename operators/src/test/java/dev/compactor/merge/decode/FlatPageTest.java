package dev.compactor.merge.decode;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bitpacking.ByteBitPackingValuesWriter;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Which chunks are read as flat pages, and the levels and values read from them. */
class FlatPageTest {

    private static final Schema NULLABLE = SchemaBuilder.record("Row").fields()
            .requiredLong("id").optionalLong("maybe").optionalString("note").optionalDouble("score").endRecord();
    private static final MessageType LEGACY = MessageTypeParser.parseMessageType(
            "message Row { optional int64 maybe; optional binary note (STRING); }");

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

    @Test
    void optionalColumnsOfParquetJavaFilesAreReadAsFlatPages() throws IOException {
        List<GenericRecord> rows = nullableRows(new Random(5), 4000);
        String key = window.add("w", NULLABLE, rows, 1L << 20);
        try (ParquetFileReader reader = ParquetFiles.open(store.inputFile(key))) {
            MessageType schema = reader.getFileMetaData().getSchema();
            BlockMetaData block = reader.getRowGroups().get(0);
            PageReadStore pages = reader.readNextRowGroup();
            for (ColumnDescriptor column : schema.getColumns()) {
                ColumnChunkMetaData chunk = chunk(block, column);
                // parquet-java lists BIT_PACKED for the absent repetition levels of every column
                assertThat(chunk.getEncodings()).contains(Encoding.BIT_PACKED);
                assertThat(FlatPage.accepts(chunk, column)).as(column.toString()).isTrue();
                String name = column.getPath()[0];
                assertThat(values(new FlatPages(pages.getPageReader(column), column), column))
                        .as(name).isEqualTo(rows.subList(0, (int) block.getRowCount()).stream()
                                .map(r -> r.get(name) == null ? null : r.get(name).toString()).toList());
            }
        }
    }

    @Test
    void deltaAndByteStreamSplitValuesOfV2PagesAreReadAsPlainOnes() throws IOException {
        List<GenericRecord> rows = nullableRows(new Random(7), 4000);
        Path path = bucket.resolve("v2-delta.parquet");
        // without dictionaries parquet-java's V2 pages take DELTA_BINARY_PACKED and DELTA_BYTE_ARRAY; the doubles
        // BYTE_STREAM_SPLIT, as DuckDB writes them
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(path))
                .withSchema(NULLABLE).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0).withDictionaryEncoding(false)
                .withByteStreamSplitEncoding(true).withPageSize(2 << 10).withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (GenericRecord r : rows) {
                w.write(r);
            }
        }
        try (ParquetFileReader reader = ParquetFiles.open(LocalObjectStore.fileInput(path))) {
            MessageType schema = reader.getFileMetaData().getSchema();
            BlockMetaData block = reader.getRowGroups().get(0);
            PageReadStore pages = reader.readNextRowGroup();
            List<Encoding> seen = new ArrayList<>();
            for (ColumnDescriptor column : schema.getColumns()) {
                ColumnChunkMetaData chunk = chunk(block, column);
                seen.addAll(chunk.getEncodings());
                assertThat(FlatPage.accepts(chunk, column)).as(column.toString()).isTrue();
                String name = column.getPath()[0];
                assertThat(values(new FlatPages(pages.getPageReader(column), column), column))
                        .as(name).isEqualTo(rows.stream()
                                .map(r -> r.get(name) == null ? null : r.get(name).toString()).toList());
            }
            assertThat(seen).contains(Encoding.DELTA_BINARY_PACKED, Encoding.DELTA_BYTE_ARRAY,
                    Encoding.BYTE_STREAM_SPLIT);
        }
    }

    @Test
    void definitionLevelsInTheDeprecatedBitPackedEncodingAreReadAsParquetJavaReadsThem() throws IOException {
        String key = "data/" + WindowFiles.NS + "/" + WindowFiles.WINDOW_START / 1000 + "-legacy.parquet";
        // page sizes that leave the last byte of the levels part-filled
        List<Object[]> written = writeLegacy(key, new Random(11), new int[] {1000, 37, 8});
        window.addExisting(key, "legacy", WindowFiles.WINDOW_START);
        List<GenericRecord> expected = window.readObject(key);
        assertThat(expected).hasSize(written.size());
        for (int i = 0; i < written.size(); i++) {
            assertThat(expected.get(i).get("maybe")).isEqualTo(written.get(i)[0]);
            assertThat(expected.get(i).get("note") == null ? null : expected.get(i).get("note").toString())
                    .isEqualTo(written.get(i)[1]);
        }
        try (ParquetFileReader reader = ParquetFiles.open(store.inputFile(key))) {
            BlockMetaData block = reader.getRowGroups().get(0);
            PageReadStore pages = reader.readNextRowGroup();
            for (ColumnDescriptor column : LEGACY.getColumns()) {
                assertThat(FlatPage.accepts(chunk(block, column), column)).isTrue();
                int field = column.getPath()[0].equals("maybe") ? 0 : 1;
                assertThat(values(new FlatPages(pages.getPageReader(column), column), column)).isEqualTo(
                        written.stream().map(r -> r[field] == null ? null : r[field].toString()).toList());
            }
        }

        List<GenericRecord> merged = window.readParts(new ParquetMerger(store, BucketLayout.defaults(),
                new MergeSettings(128L << 20, null, 64L << 20, "ZSTD", spill.toString())).merge(window.task(0)));
        assertThat(WindowFiles.asText(merged)).isEqualTo(WindowFiles.asText(expected));
    }

    /** Every row's value as text, null where the row is null. */
    private static List<String> values(FlatPages pages, ColumnDescriptor column) throws IOException {
        List<String> out = new ArrayList<>();
        for (FlatPage page = pages.next(); page != null; page = pages.next()) {
            for (int level = 0, value = 0; level < page.valueCount; level++) {
                if (!page.isDefined(level)) {
                    out.add(null);
                    continue;
                }
                out.add(switch (column.getPrimitiveType().getPrimitiveTypeName()) {
                    case INT64 -> Long.toString(page.getLong(value));
                    case DOUBLE -> Double.toString(page.getDouble(value));
                    default -> page.getBinary(value).toStringUsingUTF8();
                });
                value++;
            }
        }
        return out;
    }

    private static ColumnChunkMetaData chunk(BlockMetaData block, ColumnDescriptor column) {
        return block.getColumns().stream().filter(c -> Arrays.equals(c.getPath().toArray(), column.getPath()))
                .findFirst().orElseThrow();
    }

    private static List<GenericRecord> nullableRows(Random random, int n) {
        List<GenericRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GenericRecord r = new GenericData.Record(NULLABLE);
            r.put("id", (long) i);
            r.put("maybe", random.nextInt(4) == 0 ? null : random.nextLong());
            r.put("note", random.nextInt(3) == 0 ? null : "note-" + random.nextInt(20));
            r.put("score", random.nextInt(5) == 0 ? null : random.nextGaussian());
            rows.add(r);
        }
        return rows;
    }

    /**
     * A file as an old writer left it: V1 pages whose definition levels are BIT_PACKED (written by parquet-java's
     * own encoder for them), values PLAIN, uncompressed. Returns each row's (maybe, note).
     */
    private List<Object[]> writeLegacy(String key, Random random, int[] pageSizes) throws IOException {
        int rowCount = Arrays.stream(pageSizes).sum();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            rows.add(new Object[] {random.nextInt(3) == 0 ? null : random.nextLong(),
                    random.nextInt(4) == 0 ? null : "n" + random.nextInt(1000)});
        }
        ParquetFileWriter writer = new ParquetFileWriter(store.outputFile(key), LEGACY,
                ParquetFileWriter.Mode.CREATE, 128L << 20, 0);
        writer.start();
        writer.startBlock(rowCount);
        for (ColumnDescriptor column : LEGACY.getColumns()) {
            int field = column.getPath()[0].equals("maybe") ? 0 : 1;
            writer.startColumn(column, rowCount, CompressionCodecName.UNCOMPRESSED);
            int row = 0;
            for (int size : pageSizes) {
                ByteBitPackingValuesWriter levels = new ByteBitPackingValuesWriter(1, Packer.BIG_ENDIAN);
                ByteArrayOutputStream values = new ByteArrayOutputStream();
                Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
                for (int i = row; i < row + size; i++) {
                    Object value = rows.get(i)[field];
                    levels.writeInteger(value == null ? 0 : 1);
                    if (value == null) {
                        stats.incrementNumNulls();
                    } else if (value instanceof Long l) {
                        values.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(l).array());
                        stats.updateStats(l);
                    } else {
                        byte[] text = ((String) value).getBytes(StandardCharsets.UTF_8);
                        values.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length).array());
                        values.writeBytes(text);
                        stats.updateStats(Binary.fromConstantByteArray(text));
                    }
                }
                BytesInput page = BytesInput.concat(levels.getBytes(), BytesInput.from(values.toByteArray()));
                writer.writeDataPage(size, (int) page.size(), page, stats, size, Encoding.BIT_PACKED,
                        Encoding.BIT_PACKED, Encoding.PLAIN);
                row += size;
            }
            writer.endColumn();
        }
        writer.endBlock();
        writer.end(Map.of());
        return rows;
    }
}
