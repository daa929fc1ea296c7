package dev.compactor.merge.write;

import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowGroupFileWriterTest {

    @TempDir
    Path dir;

    /**
     * parquet-java's default values-writer factory is static, and every ParquetProperties built re-initializes
     * it: another merge building its properties must not turn this writer's plain column back to a dictionary.
     * A BOOLEAN column keeps the rows on parquet-java's column writers, where the factory is used.
     */
    @Test
    void keepsItsColumnsPlainWhateverPropertiesAreBuiltAfterIt() throws Exception {
        Schema avro = SchemaBuilder.record("Row").fields()
                .requiredLong("id").requiredLong("code").requiredBoolean("flag").endRecord();
        MessageType schema = new AvroSchemaConverter(new PlainParquetConfiguration()).convert(avro);
        Path file = dir.resolve("out.parquet");
        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
        try (RowGroupFileWriter out = new RowGroupFileWriter(new LocalOutputFile(file), schema, null,
                codecs.getCompressor(CompressionCodecName.UNCOMPRESSED), 1 << 20,
                ColumnEncodings.plain(Set.of("id")), Map.of(), null)) {
            // what another window's writer, or parquet-java itself, does meanwhile
            ParquetProperties.builder().withDictionaryEncoding(true).build();
            for (int row = 0; row < 1_000; row++) {
                ColumnWriter[] writers = out.columnWriters();
                // repeating, so a dictionary would pay and parquet-java would keep it, if it were asked to
                writers[0].write((long) row % 100, 0, 0);
                writers[1].write((long) row % 3, 0, 0);
                writers[2].write(row % 2 == 0, 0, 0);
                out.endRow();
            }
        }
        try (ParquetFileReader reader = ParquetFiles.open(LocalObjectStore.fileInput(file))) {
            ColumnChunkMetaData id = reader.getRowGroups().get(0).getColumns().get(0);
            ColumnChunkMetaData code = reader.getRowGroups().get(0).getColumns().get(1);
            assertFalse(id.hasDictionaryPage(), "id was written " + id.getEncodings());
            assertTrue(id.getEncodings().contains(Encoding.PLAIN));
            assertTrue(code.hasDictionaryPage(), "code was written " + code.getEncodings());
        }
    }
}
