package dev.compactor.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole job on a MiniCluster committing into tables (IcebergPipelineIT, DeltaPipelineIT): two namespaces, two
 * windows of two writers' files each, and what the tables must then hold.
 */
final class TablePipelineRun {

    static final String[] NAMESPACES = {"users", "app/events"};
    static final String[] WRITERS = {"w1", "w2"};
    static final int FILES_PER_WRITER_AND_WINDOW = 3;
    static final int ROWS_PER_FILE = 40;
    /** The rows each namespace's table must hold. */
    static final long ROWS_PER_NAMESPACE = (long) WRITERS.length * 2 * FILES_PER_WRITER_AND_WINDOW * ROWS_PER_FILE;
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    final BucketFixture fixture;
    final Configuration conf;

    TablePipelineRun(Path bucket, String targetFormat) {
        this.fixture = new BucketFixture(bucket);
        this.conf = jobConfig(bucket, targetFormat);
    }

    /** Writes the sources, runs the job until every window is committed, and stops it. */
    void run() throws Exception {
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        CompactorPipeline.build(env, conf);
        JobClient job = env.executeAsync(conf.get(CompactorOptions.TARGET_FORMAT) + "-it");
        try {
            Instant deadline = Instant.now().plus(DEADLINE);
            while (!(fixture.sources().isEmpty() && fixture.staging().isEmpty()
                    && fixture.manifests().size() == NAMESPACES.length * 2)) {
                assertTrue(Instant.now().isBefore(deadline), "not compacted in time");
                assertTrue(!job.getJobStatus().get().isTerminalState(), "job stopped: " + job.getJobStatus().get());
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get();
        }
    }

    private static Configuration jobConfig(Path bucket, String targetFormat) {
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
        conf.set(CompactorOptions.TARGET_FORMAT, targetFormat);
        return conf;
    }

    /** The written rows of {@code namespace}, as {@link #key} with their multiplicity. */
    Map<String, Integer> expectedRows(String namespace) throws IOException {
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

    /** The compacted outputs of {@code namespace}'s committed windows, by bucket key. */
    Set<String> outputs(String namespace) throws IOException {
        return fixture.compactedOutputs().stream().map(o -> o.key())
                .filter(k -> k.startsWith("data/" + namespace + "/year="))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A row as the tables' readers and the written rows compare: row_id|ts|writer|seq|value. */
    static String key(String rowId, long ts, String writer, long seq, double value) {
        return rowId + "|" + ts + "|" + writer + "|" + seq + "|" + value;
    }

    /** How many rows DuckDB's own Parquet reader finds in {@code files}. */
    static long duckDbRowCount(Collection<Path> files) throws Exception {
        String list = files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = db.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM read_parquet(" + list + ")")) {
            count.next();
            return count.getLong(1);
        }
    }
}
