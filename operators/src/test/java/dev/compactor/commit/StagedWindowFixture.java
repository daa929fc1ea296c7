package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;

/** Writes real source files and staged parts of one window into a store, as the merge would leave them. */
final class StagedWindowFixture {

    static final String NAMESPACE = "orders";
    /** 2025-01-01T10:00:00Z */
    static final long WINDOW_START = 1_735_725_600_000L;
    static final long WINDOW_END = WINDOW_START + 3_600_000L;
    static final int ROWS_PER_SOURCE = 3;

    private static final Schema SCHEMA = SchemaBuilder.record("Order").fields()
            .requiredLong("id").requiredString("payload").endRecord();

    /** What a staged part holds: its schema, and the values of the row with each id. */
    record Rows(Schema schema, BiConsumer<Long, GenericRecord> fill) {
        /** The sources' own rows: id and "row-{id}". */
        static final Rows ORDERS = new Rows(SCHEMA, (id, row) -> {
            row.put("id", id);
            row.put("payload", "row-" + id);
        });

        /** Orders with a "note" column the first generations did not have: a table's schema evolves. */
        static final Rows WITH_NOTE = new Rows(
                SchemaBuilder.record("Order").fields().requiredLong("id").requiredString("payload")
                        .optionalString("note").endRecord(),
                (id, row) -> {
                    row.put("id", id);
                    row.put("payload", "row-" + id);
                    row.put("note", "note-" + id);
                });

        /** Orders whose id turned into a string: a type no table of orders can take. */
        static final Rows STRING_IDS = new Rows(
                SchemaBuilder.record("Order").fields().requiredString("id").requiredString("payload").endRecord(),
                (id, row) -> {
                    row.put("id", "id-" + id);
                    row.put("payload", "row-" + id);
                });
    }

    /** The ids {@code from}, {@code from + 1}, ... of {@code count} rows, as the tables should read them back. */
    static List<Long> ids(long from, long count) {
        return LongStream.range(from, from + count).boxed().toList();
    }

    final ObjectStore store;
    final BucketLayout layout = BucketLayout.defaults();

    StagedWindowFixture(ObjectStore store) {
        this.store = store;
    }

    /** Source files of the window, {@link #ROWS_PER_SOURCE} rows each, ids 0.. in file order. */
    List<StagedWindow.Input> writeSources(int count) throws IOException {
        List<StagedWindow.Input> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = layout.dataPrefix() + NAMESPACE + "/" + (WINDOW_START / 1000 + i) + "-w1-" + i + ".parquet";
            writeParquet(key, (long) i * ROWS_PER_SOURCE, ROWS_PER_SOURCE);
            inputs.add(new StagedWindow.Input(key, store.head(key).orElseThrow().size(), ROWS_PER_SOURCE));
        }
        return inputs;
    }

    /** Stages the inputs' rows as {@code partCount} parts of one attempt and returns the committable. */
    StagedWindow stage(int generation, int attempt, List<StagedWindow.Input> inputs, int partCount)
            throws IOException {
        return stage(generation, attempt, inputs, partCount, Rows.ORDERS, 0);
    }

    /** As {@link #stage(int, int, List, int)}, with parts of other rows, ids from {@code firstId}. */
    StagedWindow stage(int generation, int attempt, List<StagedWindow.Input> inputs, int partCount, Rows content,
                       long firstId) throws IOException {
        return stage(WINDOW_START, generation, attempt, inputs, partCount, content, firstId);
    }

    /** As {@link #stage(int, int, List, int, Rows, long)}, for the hour-long window from {@code windowStart}. */
    StagedWindow stage(long windowStart, int generation, int attempt, List<StagedWindow.Input> inputs, int partCount,
                       Rows content, long firstId) throws IOException {
        StagedWindow window = new StagedWindow();
        window.namespace = NAMESPACE;
        window.windowStart = windowStart;
        window.windowEnd = windowStart + (WINDOW_END - WINDOW_START);
        window.generation = generation;
        window.attempt = attempt;
        window.inputs.addAll(inputs);
        long totalRows = inputs.stream().mapToLong(i -> i.rowCount).sum();
        long nextId = firstId;
        for (int p = 0; p < partCount; p++) {
            long rows = totalRows / partCount + (p < totalRows % partCount ? 1 : 0);
            String stagingKey = layout.stagingPartKey(NAMESPACE, windowStart, generation, attempt, p);
            writeParquet(stagingKey, content, nextId, rows);
            nextId += rows;
            byte[] bytes = store.read(stagingKey);
            window.parts.add(new StagedWindow.Part(stagingKey,
                    layout.finalPartKey(NAMESPACE, windowStart, generation, p), rows, bytes.length, sha256(bytes)));
        }
        store.write(layout.stagedMarkerKey(NAMESPACE, windowStart, generation, attempt),
                StagedWindowCodec.toJson(window));
        return window;
    }

    /** A source file that is not Parquet at all, recorded as quarantined in {@code window}. */
    String addUnreadableSource(StagedWindow window, String reason) throws IOException {
        String key = layout.dataPrefix() + NAMESPACE + "/" + (WINDOW_START / 1000 + 99) + "-w2-0.parquet";
        byte[] garbage = "this is not parquet".getBytes();
        store.write(key, garbage);
        window.quarantined.add(new StagedWindow.Quarantined(key, garbage.length, reason));
        return key;
    }

    void writeParquet(String key, long firstId, long rows) throws IOException {
        writeParquet(key, Rows.ORDERS, firstId, rows);
    }

    void writeParquet(String key, Rows content, long firstId, long rows) throws IOException {
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(content.schema())
                .withConf(new PlainParquetConfiguration())
                .withDataModel(GenericData.get())
                .build()) {
            for (long id = firstId; id < firstId + rows; id++) {
                GenericRecord record = new GenericData.Record(content.schema());
                content.fill().accept(id, record);
                writer.write(record);
            }
        }
    }

    long parquetRowCount(String key) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(store.inputFile(key))) {
            return reader.getRecordCount();
        }
    }

    /** Every object under {@code prefix} with its bytes, to compare whole bucket states. */
    Map<String, String> contentsUnder(String prefix) throws IOException {
        Map<String, String> contents = new LinkedHashMap<>();
        for (ObjectInfo object : store.list(prefix)) {
            contents.put(object.key(), sha256(store.read(object.key())));
        }
        return contents;
    }

    boolean exists(String key) throws IOException {
        return store.head(key).isPresent();
    }

    String manifestKey(int generation) {
        return layout.manifestKey(NAMESPACE, WINDOW_START, generation);
    }

    String stagingPrefix(int generation) {
        return layout.stagingGenerationPrefix(NAMESPACE, WINDOW_START, generation);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
