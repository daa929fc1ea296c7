package dev.compactor.merge;

import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;

import java.io.IOException;
import java.util.Map;

/**
 * What a source file's footer says, read before any row is: its Avro schema, row count and uncompressed size.
 * Reading it is cheap and catches most corrupt files (bad magic, truncated, unparsable footer) before the merge
 * writes anything.
 *
 * @param uncompressedBytes sum of the row groups' uncompressed sizes, the basis of the row-size estimate
 */
record InputFooter(String key, long size, Schema schema, long rowCount, long uncompressedBytes) {

    /** Where parquet-avro keeps the writer's Avro schema; newer and older key. */
    private static final String[] AVRO_SCHEMA_KEYS = {"parquet.avro.schema", "avro.schema"};

    static InputFooter read(ObjectStore store, String key, long size) throws IOException {
        try (ParquetFileReader reader = AvroParquet.footerReader(store.inputFile(key))) {
            FileMetaData meta = reader.getFileMetaData();
            long rows = 0;
            long uncompressed = 0;
            for (BlockMetaData block : reader.getFooter().getBlocks()) {
                rows += block.getRowCount();
                uncompressed += block.getTotalByteSize();
            }
            return new InputFooter(key, size, avroSchemaOf(meta), rows, uncompressed);
        }
    }

    /** The schema parquet-avro itself would read the file with: the writer's Avro schema if it left one. */
    private static Schema avroSchemaOf(FileMetaData meta) {
        Map<String, String> kv = meta.getKeyValueMetaData();
        for (String k : AVRO_SCHEMA_KEYS) {
            String json = kv.get(k);
            if (json != null) {
                return new Schema.Parser().parse(json);
            }
        }
        return new AvroSchemaConverter(new PlainParquetConfiguration()).convert(meta.getSchema());
    }
}
