package dev.compactor.merge;

import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a source file's footer says, read before any row is: its schemas, row groups and sizes. Reading it is
 * cheap and catches most corrupt files (bad magic, truncated, unparsable footer) before the merge writes
 * anything.
 *
 * @param schema            the Avro schema parquet-avro would read the file with
 * @param parquetSchema     the file's own Parquet schema, which decides whether its row groups can be copied
 * @param uncompressedBytes sum of the row groups' uncompressed sizes, the basis of the row-size estimate
 */
record InputFooter(String key, long size, Schema schema, MessageType parquetSchema, String createdBy,
                   List<BlockMetaData> rowGroups, long rowCount, long uncompressedBytes) {

    /** Where parquet-avro keeps the writer's Avro schema; newer and older key. */
    private static final String[] AVRO_SCHEMA_KEYS = {"parquet.avro.schema", "avro.schema"};

    static InputFooter read(ObjectStore store, String key, long size) throws IOException {
        try (ParquetFileReader reader = AvroParquet.footerReader(store.inputFile(key))) {
            FileMetaData meta = reader.getFileMetaData();
            long rows = 0;
            long uncompressed = 0;
            List<BlockMetaData> blocks = reader.getFooter().getBlocks();
            for (BlockMetaData block : blocks) {
                rows += block.getRowCount();
                uncompressed += block.getTotalByteSize();
            }
            return new InputFooter(key, size, avroSchemaOf(meta), meta.getSchema(), meta.getCreatedBy(),
                    List.copyOf(blocks), rows, uncompressed);
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
