package dev.compactor.job;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.LocalObjectStore;
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
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A bucket for tests (a local directory, or any store): writes real source files the way writers do, and reads back what the job made. */
final class BucketFixture {

    static final Schema ROW = SchemaBuilder.record("Row").fields()
            .requiredLong("ts").requiredString("writer").requiredLong("seq")
            .requiredString("row_id").requiredDouble("value").endRecord();

    final ObjectStore store;
    final BucketLayout layout = BucketLayout.defaults();
    /** Every row written, as its string form, with its multiplicity. */
    final Map<String, Integer> written = new HashMap<>();

    BucketFixture(Path root) {
        this(new LocalObjectStore(root));
    }

    BucketFixture(ObjectStore store) {
        this.store = store;
    }

    static String sourceKey(String namespace, long epochSeconds, String writer, long seq) {
        return "data/" + namespace + "/" + epochSeconds + "-" + writer + "-" + seq + ".parquet";
    }

    /** Writes one source file of {@code rows} rows and remembers its rows. */
    String writeSource(String namespace, long epochSeconds, String writer, long seq, int rows) throws IOException {
        return writeSource(namespace, epochSeconds, writer, seq, rows, 0);
    }

    /**
     * Writes the source key of {@link #writeSource} again, as a writer flushing the same name twice, with
     * {@code rows} rows that differ from the first version's (their values are shifted), and remembers them: the
     * rows of both versions are expected once each.
     */
    String rewriteSource(String key, int rows) throws IOException {
        String namespace = key.substring("data/".length(), key.lastIndexOf('/'));
        String[] parts = key.substring(key.lastIndexOf('/') + 1).replace(".parquet", "").split("-");
        return writeSource(namespace, Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]), rows, 1_000);
    }

    private String writeSource(String namespace, long epochSeconds, String writer, long seq, int rows,
                               double valueShift) throws IOException {
        String key = sourceKey(namespace, epochSeconds, writer, seq);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(ROW).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (int i = 0; i < rows; i++) {
                GenericRecord r = new GenericData.Record(ROW);
                r.put("ts", epochSeconds * 1000 + i);
                r.put("writer", writer);
                r.put("seq", seq);
                r.put("row_id", namespace + "/" + writer + "/" + seq + "/" + i);
                r.put("value", valueShift + i * 0.5);
                w.write(r);
                written.merge(namespace + "|" + r, 1, Integer::sum);
            }
        }
        return key;
    }

    /** Remembers the rows of a source file someone else wrote, e.g. the demo's writer simulator. */
    void recordSource(String key) throws IOException {
        String namespace = key.substring("data/".length(), key.lastIndexOf('/'));
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
                store.inputFile(key), new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
            for (GenericRecord g = r.read(); g != null; g = r.read()) {
                written.merge(namespace + "|" + g, 1, Integer::sum);
            }
        }
    }

    /** Drops a source's rows from the expected rows: the test deletes it before it is compacted. */
    void forget(String key) throws IOException {
        String[] parts = key.substring(key.lastIndexOf('/') + 1).replace(".parquet", "").split("-");
        String namespace = key.substring("data/".length(), key.lastIndexOf('/'));
        String prefix = namespace + "|";
        String idPrefix = namespace + "/" + parts[1] + "/" + parts[2] + "/";
        written.keySet().removeIf(row -> row.startsWith(prefix) && row.contains("\"row_id\": \"" + idPrefix));
    }

    /** Rows of every committed output, as namespace|row strings with multiplicity. */
    Map<String, Integer> committedRows() throws IOException {
        Map<String, Integer> rows = new HashMap<>();
        for (ObjectInfo o : compactedOutputs()) {
            String namespace = o.key().substring("data/".length(), o.key().indexOf("/year="));
            try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
                    store.inputFile(o.key()), new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
                for (GenericRecord g = r.read(); g != null; g = r.read()) {
                    rows.merge(namespace + "|" + g, 1, Integer::sum);
                }
            }
        }
        return rows;
    }

    List<ObjectInfo> compactedOutputs() throws IOException {
        List<ObjectInfo> out = new ArrayList<>();
        for (ObjectInfo o : store.list("data/")) {
            if (o.key().contains("/" + BucketLayout.COMPACTED_FILE_PREFIX)) {
                out.add(o);
            }
        }
        return out;
    }

    List<ObjectInfo> sources() throws IOException {
        return store.list("data/").stream()
                .filter(o -> !o.key().contains("/" + BucketLayout.COMPACTED_FILE_PREFIX))
                .toList();
    }

    List<ObjectInfo> manifests() throws IOException {
        return store.list(BucketLayout.MANIFEST_PREFIX);
    }

    List<ObjectInfo> staging() throws IOException {
        return store.list(BucketLayout.STAGING_PREFIX);
    }
}
