package dev.compactor.merge.reference;

import dev.compactor.merge.MergeBudget;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.store.LocalObjectStore;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The external sort sizes its buffer by {@link MergeBudget#rowHeapBytes}: a row it holds must not weigh more on
 * the heap than that estimate, or a window sorted by the reference engine outgrows the merge memory (a 10 GB
 * window of DuckDB files sorted in a 256 MB heap ran out of memory at 245,760 buffered rows of about 930 bytes
 * each, against an estimate of about 330).
 */
class RowHeapEstimateTest {

    static final int ROWS = 200_000;

    @TempDir
    Path dir;

    @Test
    void aRowTheExternalSortHoldsWeighsNoMoreThanItsEstimate() throws Exception {
        Path file = dir.resolve("data/ns/window.parquet");
        Files.createDirectories(file.getParent());
        writeWindowFile(file);
        LocalObjectStore store = new LocalObjectStore(dir);
        InputFooter footer = InputFooter.read(store, "data/ns/window.parquet", Files.size(file));
        long estimate = MergeBudget.rowHeapBytes(List.of(footer), footer.parquetSchema().getColumns().size());

        List<RowOrder.Row> held = new ArrayList<>(ROWS);
        long before = usedAfterGc();
        try (SourceRows rows = SourceRows.open(store, footer, footer.parquetSchema())) {
            for (Group row = rows.next(); row != null; row = rows.next()) {
                held.add(new RowOrder.Row(row, rows.fields(), footer));
            }
        }
        long perRow = (usedAfterGc() - before) / held.size();
        Reference.reachabilityFence(held);

        assertThat(held).hasSize(ROWS);
        assertThat(estimate).as("estimated heap bytes of a row held, measured %d", perRow)
                .isGreaterThanOrEqualTo(perRow);
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The benchmarks' columns: a timestamp, two dictionary strings, a random string, longs and a double, nullable. */
    static void writeWindowFile(Path file) throws Exception {
        Schema ts = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        Schema schema = SchemaBuilder.record("event").fields()
                .name("ts").type(ts).noDefault()
                .requiredString("writer")
                .requiredLong("seq")
                .optionalLong("user_id")
                .optionalDouble("value")
                .optionalString("payload")
                .optionalString("category")
                .endRecord();
        String[] categories = {"click", "view", "purchase", "search", "login", "logout", "share", "error"};
        Random random = new Random(7);
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema).withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.ZSTD).build()) {
            for (int i = 0; i < ROWS; i++) {
                GenericRecord row = new GenericData.Record(schema);
                row.put("ts", 1_767_222_000_000_000L + random.nextInt(600_000_000));
                row.put("writer", "writer-" + i % 20);
                row.put("seq", (long) i);
                row.put("user_id", random.nextInt(10) == 0 ? null : (long) random.nextInt(1_000_000));
                row.put("value", random.nextInt(10) == 0 ? null : random.nextDouble() * 1000);
                row.put("payload", random.nextInt(10) == 0 ? null : Long.toHexString(random.nextLong())
                        + Long.toHexString(random.nextLong()).substring(0, 4));
                row.put("category", random.nextInt(5) == 0 ? null : categories[random.nextInt(categories.length)]);
                writer.write(row);
            }
        }
    }
}
