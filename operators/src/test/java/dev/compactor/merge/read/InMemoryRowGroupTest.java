package dev.compactor.merge.read;

import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.decode.FlatPages;
import dev.compactor.merge.plan.ColumnMapping;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryRowGroupTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "ZSTD"})
    void pagesAreTheOnesParquetJavasReaderDecompresses(CompressionCodecName codec) throws IOException {
        byte[] file = write(codec, 3000);
        try (ParquetFileReader reader = reader(file)) {
            MessageType schema = reader.getFileMetaData().getSchema();
            ColumnMapping mapping = ColumnMapping.between(schema, schema).orElseThrow();
            for (BlockMetaData block : reader.getRowGroups()) {
                assertThat(InMemoryRowGroup.reads(block, mapping)).isTrue();
                PageReadStore ours = InMemoryRowGroup.read(file, block, mapping, "test.parquet");
                PageReadStore theirs = reader.readNextRowGroup();
                assertThat(ours.getRowCount()).isEqualTo(theirs.getRowCount());
                for (ColumnDescriptor column : schema.getColumns()) {
                    assertSamePages(ours.getPageReader(column), theirs.getPageReader(column), column);
                }
            }
        }
    }

    @Test
    void aPageThatNoLongerMatchesItsCrcIsDamage() throws IOException {
        byte[] file = write(CompressionCodecName.SNAPPY, 500);
        try (ParquetFileReader reader = reader(file)) {
            BlockMetaData block = reader.getRowGroups().get(0);
            ColumnChunkMetaData payload = chunk(block, "payload");
            // the chunk's last byte is inside its last page's body, past every header
            file[(int) (payload.getStartingPos() + payload.getTotalSize() - 1)] ^= 0x55;
            MessageType schema = reader.getFileMetaData().getSchema();
            ColumnMapping mapping = ColumnMapping.between(schema, schema).orElseThrow();
            assertThatThrownBy(() -> InMemoryRowGroup.read(file, block, mapping, "test.parquet"))
                    .isInstanceOf(ParquetDecodingException.class)
                    .hasMessageContaining("does not match its CRC").hasMessageContaining("test.parquet");
        }
    }

    @Test
    void aPageThatDoesNotDecompressToItsSizeIsDamageEvenWithoutACrc() throws IOException {
        byte[] file = write(CompressionCodecName.SNAPPY, 500, false);
        try (ParquetFileReader reader = reader(file)) {
            BlockMetaData block = reader.getRowGroups().get(0);
            ColumnChunkMetaData payload = chunk(block, "payload");
            int at = (int) payload.getStartingPos();
            ByteArrayInputStream header = new ByteArrayInputStream(file, at, (int) payload.getTotalSize());
            Util.readPageHeader(header);
            int body = at + (int) payload.getTotalSize() - header.available();
            // a SNAPPY page starts with its uncompressed length: one more byte of it and the page no longer fits
            file[body] ^= 0x01;
            MessageType schema = reader.getFileMetaData().getSchema();
            ColumnMapping mapping = ColumnMapping.between(schema, schema).orElseThrow();
            assertThatThrownBy(() -> InMemoryRowGroup.read(file, block, mapping, "test.parquet"))
                    .isInstanceOf(ParquetDecodingException.class).hasMessageContaining("test.parquet")
                    .hasMessageMatching("(?s).*(does not decompress|decompresses to).*");
        }
    }

    @Test
    void aChunkReachingPastTheFileIsDamage() throws IOException {
        byte[] file = write(CompressionCodecName.ZSTD, 500);
        try (ParquetFileReader reader = reader(file)) {
            BlockMetaData block = reader.getRowGroups().get(0);
            MessageType schema = reader.getFileMetaData().getSchema();
            ColumnMapping mapping = ColumnMapping.between(schema, schema).orElseThrow();
            byte[] truncated = java.util.Arrays.copyOf(file, (int) chunk(block, "payload").getStartingPos() + 10);
            assertThatThrownBy(() -> InMemoryRowGroup.read(truncated, block, mapping, "test.parquet"))
                    .isInstanceOf(ParquetDecodingException.class).hasMessageContaining("outside the file's");
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "ZSTD"})
    void v2PagesAreHeldAsTheV1PagesOfTheirValues(CompressionCodecName codec) throws IOException {
        Schema schema = SchemaBuilder.record("Row").fields().requiredLong("k").optionalString("s")
                .optionalDouble("d").endRecord();
        Path path = dir.resolve("v2-" + codec + ".parquet");
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(path))
                .withSchema(schema).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withCompressionCodec(codec).withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withPageSize(1 << 10).withRowGroupSize(32L << 10).withPageWriteChecksumEnabled(true)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (int i = 0; i < 3000; i++) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("k", (long) (i % 7));
                r.put("s", i % 5 == 0 ? null : "v" + i % 3);
                r.put("d", i % 4 == 0 ? null : i % 6 * 0.5);
                w.write(r);
            }
        }
        byte[] file = Files.readAllBytes(path);
        try (ParquetFileReader reader = reader(file)) {
            MessageType fileSchema = reader.getFileMetaData().getSchema();
            ColumnMapping mapping = ColumnMapping.between(fileSchema, fileSchema).orElseThrow();
            for (BlockMetaData block : reader.getRowGroups()) {
                assertThat(block.getColumns()).allMatch(c -> c.getEncodingStats().usesV2Pages());
                assertThat(InMemoryRowGroup.reads(block, mapping)).isTrue();
                PageReadStore ours = InMemoryRowGroup.read(file, block, mapping, "test.parquet");
                PageReadStore theirs = reader.readNextRowGroup();
                for (ColumnDescriptor column : fileSchema.getColumns()) {
                    assertSamePages(ours.getPageReader(column), theirs.getPageReader(column), column);
                }
            }
        }
    }

    @Test
    void otherCodecsAreLeftToParquetJava() throws IOException {
        byte[] file = write(CompressionCodecName.GZIP, 500);
        try (ParquetFileReader reader = reader(file)) {
            MessageType schema = reader.getFileMetaData().getSchema();
            ColumnMapping mapping = ColumnMapping.between(schema, schema).orElseThrow();
            assertThat(InMemoryRowGroup.reads(reader.getRowGroups().get(0), mapping)).isFalse();
        }
    }

    /** Their V2 pages are compared as the V1 pages the merge reads them as. */
    private static void assertSamePages(PageReader ours, PageReader theirs, ColumnDescriptor column)
            throws IOException {
        assertThat(ours.getTotalValueCount()).isEqualTo(theirs.getTotalValueCount());
        DictionaryPage theirDictionary = theirs.readDictionaryPage();
        DictionaryPage ourDictionary = ours.readDictionaryPage();
        if (theirDictionary == null) {
            assertThat(ourDictionary).isNull();
        } else {
            assertThat(ourDictionary.getBytes().toByteArray()).isEqualTo(theirDictionary.getBytes().toByteArray());
            assertThat(ourDictionary.getDictionarySize()).isEqualTo(theirDictionary.getDictionarySize());
            assertThat(ourDictionary.getEncoding()).isEqualTo(theirDictionary.getEncoding());
        }
        int pages = 0;
        for (DataPage their = theirs.readPage(); their != null; their = theirs.readPage()) {
            DataPageV1 mine = (DataPageV1) ours.readPage();
            DataPageV1 v1 = their instanceof DataPageV2 v2 ? FlatPages.asV1(v2, column) : (DataPageV1) their;
            assertThat(mine.getBytes().toByteArray()).isEqualTo(v1.getBytes().toByteArray());
            assertThat(mine.getValueCount()).isEqualTo(v1.getValueCount());
            assertThat(mine.getUncompressedSize()).isEqualTo(v1.getUncompressedSize());
            assertThat(List.of(mine.getRlEncoding(), mine.getDlEncoding(), mine.getValueEncoding()))
                    .isEqualTo(List.of(v1.getRlEncoding(), v1.getDlEncoding(), v1.getValueEncoding()));
            pages++;
        }
        assertThat(ours.readPage()).isNull();
        assertThat(pages).isPositive();
    }

    /** A file of EVENT rows in small pages and row groups: dictionary and plain chunks, several pages each. */
    private byte[] write(CompressionCodecName codec, int rows) throws IOException {
        return write(codec, rows, true);
    }

    private byte[] write(CompressionCodecName codec, int rows, boolean checksums) throws IOException {
        Path path = dir.resolve(codec + ".parquet");
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(path))
                .withSchema(WindowFiles.EVENT).withConf(new PlainParquetConfiguration())
                .withDataModel(GenericData.get()).withCompressionCodec(codec).withPageSize(4 << 10)
                .withRowGroupSize(64L << 10).withPageWriteChecksumEnabled(checksums)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (GenericRecord r : WindowFiles.events("w1", rows, 1_000L, 7L)) {
                w.write(r);
            }
        }
        return Files.readAllBytes(path);
    }

    private static ParquetFileReader reader(byte[] file) throws IOException {
        return ParquetFiles.open(new dev.compactor.store.InMemoryInputFile("test.parquet", file.clone()));
    }

    private static ColumnChunkMetaData chunk(BlockMetaData block, String column) {
        return block.getColumns().stream().filter(c -> c.getPath().toDotString().equals(column)).findFirst()
                .orElseThrow();
    }
}
