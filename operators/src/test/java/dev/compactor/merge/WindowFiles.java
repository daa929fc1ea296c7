package dev.compactor.merge;

import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes real source files into a test bucket and reads merged parts back. */
public final class WindowFiles {

    public static final String NS = "ns1";
    public static final long WINDOW_START = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000L;

    public static final Schema EVENT = SchemaBuilder.record("Event").namespace("test").fields()
            .requiredLong("ts").requiredString("writer").requiredLong("seq").requiredDouble("value")
            .requiredString("payload").endRecord();

    /** EVENT with a nullable ts, for sorts that must place nulls first. */
    public static final Schema NULLABLE_TS_EVENT = SchemaBuilder.record("Event").namespace("test").fields()
            .optionalLong("ts").requiredString("writer").requiredLong("seq").requiredString("payload").endRecord();

    private final LocalObjectStore store;
    private final List<SourceFile> files = new ArrayList<>();

    public WindowFiles(LocalObjectStore store) {
        this.store = store;
    }

    /** Adds a file of {@code rows} EVENT rows; ts = base + i * step. Returns the rows written. */
    public List<GenericRecord> addEvents(String writer, int rows, long tsBase, long tsStep) throws IOException {
        List<GenericRecord> out = events(writer, rows, tsBase, tsStep);
        add(writer, EVENT, out, 1L << 20);
        return out;
    }

    /**
     * NULLABLE_TS_EVENT rows of one writer, not yet written anywhere: ts drawn below {@code keyRange} (a narrow
     * range gives many ties), null about once in {@code nullOneIn} rows.
     */
    public static List<GenericRecord> nullableTsEvents(String writer, int rows, Random random, int nullOneIn, int keyRange) {
        List<GenericRecord> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            GenericRecord r = new GenericData.Record(NULLABLE_TS_EVENT);
            r.put("ts", random.nextInt(nullOneIn) == 0 ? null : (long) random.nextInt(keyRange));
            r.put("writer", writer);
            r.put("seq", (long) i);
            r.put("payload", "p" + random.nextLong());
            out.add(r);
        }
        return out;
    }

    /** EVENT rows of one writer, not yet written anywhere. */
    public List<GenericRecord> addEventsRowsOnly(String writer, int rows) {
        return events(writer, rows, 0, 1);
    }

    public static List<GenericRecord> events(String writer, int rows, long tsBase, long tsStep) {
        List<GenericRecord> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            GenericRecord r = new GenericData.Record(EVENT);
            r.put("ts", tsBase + i * tsStep);
            r.put("writer", writer);
            r.put("seq", (long) i);
            r.put("value", i * 0.5);
            r.put("payload", "payload-" + writer + "-" + (i * 7919L % 100_000));
            out.add(r);
        }
        return out;
    }

    /** Adds a file with the given rows; its key sorts after every file added before. */
    public String add(String writer, Schema schema, List<GenericRecord> rows, long rowGroupBytes) throws IOException {
        int seq = files.size();
        long fileTime = WINDOW_START + 1000L * seq;
        String key = "data/" + NS + "/" + fileTime / 1000 + "-" + writer + "-" + seq + ".parquet";
        try (ParquetWriter<GenericRecord> w = AvroFiles.writer(store.outputFile(key), schema,
                CompressionCodecName.SNAPPY, rowGroupBytes)) {
            for (GenericRecord r : rows) {
                w.write(r);
            }
        }
        addExisting(key, writer, fileTime);
        return key;
    }

    /** Registers an object that is already in the bucket (or is absent) as the next file of the window. */
    public String addExisting(String key, String writer, long fileTime) throws IOException {
        long size = store.head(key).map(i -> i.size()).orElse(0L);
        files.add(new SourceFile(key, size, "etag-" + files.size(), writer, files.size(), fileTime));
        return key;
    }

    public CompactionTask task(int attempt) {
        return new CompactionTask(NS, WINDOW_START, WINDOW_START + 3_600_000L, 0, attempt, files);
    }

    public List<GenericRecord> readParts(StagedWindow staged) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        for (StagedWindow.Part p : staged.parts) {
            rows.addAll(readObject(p.stagingKey));
        }
        return rows;
    }

    public List<GenericRecord> readObject(String key) throws IOException {
        List<GenericRecord> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(store.inputFile(key),
                new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
            for (GenericRecord g = r.read(); g != null; g = r.read()) {
                rows.add(g);
            }
        }
        return rows;
    }

    /** Rows as JSON text, so String and Utf8 values and differently named record schemas compare equal. */
    public static List<String> asText(List<GenericRecord> rows) {
        return rows.stream().map(GenericRecord::toString).toList();
    }
}
