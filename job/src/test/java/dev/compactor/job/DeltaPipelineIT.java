package dev.compactor.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.compactor.table.DeltaTableFiles;
import dev.compactor.table.DeltaTableReader;
import dev.compactor.table.DeltaTarget;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole job on a MiniCluster with {@code compaction.target-format delta}: each namespace's Delta table under the
 * bucket's _delta/ holds every written row once (read with Delta Kernel), one commit per committed window generation
 * carrying its txn, and its data files are the compacted outputs, which DuckDB reads with the same row count.
 */
class DeltaPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path bucket;

    @Test
    void everyWrittenRowIsInItsNamespacesTableOnceAndDuckDbReadsTheFilesTheTableLists() throws Exception {
        TablePipelineRun run = new TablePipelineRun(bucket, "delta");
        run.run();

        assertEquals(run.fixture.written, run.fixture.committedRows(), "every row once in the plain outputs");
        DeltaTarget target = TableTargets.delta(run.conf);
        try (DeltaTableFiles tables = new DeltaTableFiles(target)) {
            for (String ns : TablePipelineRun.NAMESPACES) {
                Map<String, Integer> rows = new HashMap<>();
                for (Map<String, Object> r : DeltaTableReader.rows(target, ns)) {
                    rows.merge(TablePipelineRun.key((String) r.get("row_id"), (Long) r.get("ts"),
                            (String) r.get("writer"), (Long) r.get("seq"), (Double) r.get("value")), 1, Integer::sum);
                }
                assertEquals(run.expectedRows(ns), rows, ns + ": every row once in the table");

                List<JsonNode> txns = txns(bucket.resolve("_delta").resolve(target.tableOf(ns)));
                assertEquals(2, txns.size(), ns + ": one commit per window generation, " + txns);
                for (JsonNode txn : txns) {
                    assertEquals(0, txn.get("version").asLong(), txn.toString());
                }

                Map<String, Integer> files = tables.of(ns);
                Map<String, Integer> once = new HashMap<>();
                run.outputs(ns).forEach(key -> once.put(key, 1));
                assertEquals(once, files, ns + ": the table lists each compacted output once");
                assertEquals(TablePipelineRun.ROWS_PER_NAMESPACE,
                        TablePipelineRun.duckDbRowCount(files.keySet().stream().map(bucket::resolve).toList()),
                        ns + ": DuckDB reads the table's data files");
            }
        }
    }

    /** The txn action of each commit in the table's log. */
    private static List<JsonNode> txns(Path table) throws Exception {
        List<JsonNode> txns = new ArrayList<>();
        try (Stream<Path> files = Files.list(table.resolve("_delta_log"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    JsonNode action = JSON.readTree(line);
                    if (action.has("txn")) {
                        txns.add(action.get("txn"));
                    }
                }
            }
        }
        return txns;
    }
}
