package dev.compactor.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.compactor.table.IcebergTarget;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole job on a MiniCluster with {@code compaction.target-format iceberg} and the embedded catalog: each
 * namespace's table holds every written row once, one snapshot per committed window generation, and its data files
 * are the compacted outputs, which DuckDB reads with the same row count.
 */
class IcebergPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String[] NAMESPACES = {"users", "app/events"};
    private static final String[] WRITERS = {"w1", "w2"};
    private static final int FILES_PER_WRITER_AND_WINDOW = 3;
    private static final int ROWS_PER_FILE = 40;
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path bucket;

    @Test
    void everyWrittenRowIsInItsNamespacesTableOnceAndDuckDbReadsTheFilesTheTableLists() throws Exception {
        BucketFixture fixture = new BucketFixture(bucket);
        long firstWindow = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        for (String ns : NAMESPACES) {
            for (int window = 0; window < 2; window++) {
                for (String writer : WRITERS) {
                    for (int i = 0; i < FILES_PER_WRITER_AND_WINDOW; i++) {
                        long second = firstWindow + window * 60L + i * 10L + writer.charAt(1) - '0';
                        fixture.writeSource(ns, second, writer, window * 100L + i, ROWS_PER_FILE);
                    }
                }
            }
        }
        Configuration conf = jobConfig();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        CompactorPipeline.build(env, conf);
        runUntil(env, () -> fixture.sources().isEmpty() && fixture.staging().isEmpty()
                && fixture.manifests().size() == NAMESPACES.length * 2);

        assertEquals(fixture.written, fixture.committedRows(), "every row once in the plain outputs");
        IcebergTarget target = TableTargets.iceberg(conf);
        Catalog catalog = target.catalog();
        for (String ns : NAMESPACES) {
            Table table = catalog.loadTable(target.tableOf(ns));
            assertEquals(expectedRows(fixture, ns), tableRows(table), ns + ": every row once in the table");

            List<Snapshot> snapshots = new ArrayList<>();
            table.snapshots().forEach(snapshots::add);
            assertEquals(2, snapshots.size(), ns + ": one snapshot per window generation");
            assertTrue(snapshots.stream().allMatch(s -> ns.equals(s.summary().get("compactor.namespace"))
                    && "0".equals(s.summary().get("compactor.generation"))), snapshots.toString());

            List<String> files = dataFiles(table);
            Set<String> outputs = fixture.compactedOutputs().stream().map(o -> o.key())
                    .filter(k -> k.startsWith("data/" + ns + "/year=")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(outputs, files.stream().map(f -> bucket.relativize(Path.of(URI.create(f))).toString())
                    .collect(Collectors.toCollection(TreeSet::new)), ns + ": the table lists the compacted outputs");
            long rows = (long) WRITERS.length * 2 * FILES_PER_WRITER_AND_WINDOW * ROWS_PER_FILE;
            assertEquals(rows, duckDbRowCount(files), ns + ": DuckDB reads the table's data files");
        }
    }

    private Configuration jobConfig() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(5));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5)));
        conf.set(CompactorOptions.MIN_FILES, 6);
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
        conf.set(CompactorOptions.TARGET_FILE_SIZE, org.apache.flink.configuration.MemorySize.parse("8 kb"));
        conf.set(CompactorOptions.TARGET_FORMAT, "iceberg");
        return conf;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void runUntil(StreamExecutionEnvironment env, Condition done) throws Exception {
        JobClient job = env.executeAsync("iceberg-it");
        try {
            Instant deadline = Instant.now().plus(DEADLINE);
            while (!done.holds()) {
                assertTrue(Instant.now().isBefore(deadline), "not compacted in time");
                assertTrue(!job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get();
        }
    }

    /** The written rows of {@code namespace}, as row_id|ts|writer|seq|value with their multiplicity. */
    private static Map<String, Integer> expectedRows(BucketFixture fixture, String namespace) throws IOException {
        Map<String, Integer> rows = new HashMap<>();
        for (Map.Entry<String, Integer> row : fixture.written.entrySet()) {
            if (row.getKey().startsWith(namespace + "|")) {
                JsonNode r = JSON.readTree(row.getKey().substring(namespace.length() + 1));
                rows.merge(key(r.get("row_id").asText(), r.get("ts").asLong(), r.get("writer").asText(),
                        r.get("seq").asLong(), r.get("value").asDouble()), row.getValue(), Integer::sum);
            }
        }
        return rows;
    }

    private static Map<String, Integer> tableRows(Table table) throws IOException {
        Map<String, Integer> rows = new HashMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                rows.merge(key((String) r.getField("row_id"), (Long) r.getField("ts"), (String) r.getField("writer"),
                        (Long) r.getField("seq"), (Double) r.getField("value")), 1, Integer::sum);
            }
        }
        return rows;
    }

    private static String key(String rowId, long ts, String writer, long seq, double value) {
        return rowId + "|" + ts + "|" + writer + "|" + seq + "|" + value;
    }

    private static List<String> dataFiles(Table table) throws IOException {
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> files.add(t.file().location()));
        }
        return files;
    }

    private static long duckDbRowCount(List<String> files) throws Exception {
        String list = files.stream().map(f -> "'" + Path.of(URI.create(f)) + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM read_parquet(" + list + ")")) {
            count.next();
            return count.getLong(1);
        }
    }
}
