package dev.compactor.savepoints.bootstrap;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parquet files of rows that are only an id, so a test can count every row of the committed outputs. */
final class RowFiles {

    private static final Schema ROW = SchemaBuilder.record("Row").fields().requiredString("row_id").endRecord();

    private final ObjectStore store;

    RowFiles(ObjectStore store) {
        this.store = store;
    }

    static String sourceKey(String namespace, long epochSeconds, String writer, long seq) {
        return "data/" + namespace + "/" + epochSeconds + "-" + writer + "-" + seq + ".parquet";
    }

    /** Writes {@code rowCount} rows with ids unique to the key; returns the ids. */
    List<String> writeSource(String key, int rowCount) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            ids.add(key + "#" + i);
        }
        write(key, ids);
        return ids;
    }

    void write(String key, List<String> rowIds) throws IOException {
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(ROW).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
            for (String id : rowIds) {
                GenericRecord r = new GenericData.Record(ROW);
                r.put("row_id", id);
                w.write(r);
            }
        }
    }

    /** Row ids of every compacted output, repeated as often as they occur. */
    List<String> committedRowIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (ObjectInfo o : store.list("data/")) {
            if (!o.key().contains("/" + BucketLayout.COMPACTED_FILE_PREFIX)) {
                continue;
            }
            try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
                    store.inputFile(o.key()), new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
                for (GenericRecord g = r.read(); g != null; g = r.read()) {
                    ids.add(g.get("row_id").toString());
                }
            }
        }
        return ids;
    }
}
