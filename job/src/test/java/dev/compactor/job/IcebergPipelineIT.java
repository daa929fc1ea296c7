package dev.compactor.job;

import dev.compactor.table.IcebergTarget;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @TempDir
    Path bucket;

    @Test
    void everyWrittenRowIsInItsNamespacesTableOnceAndDuckDbReadsTheFilesTheTableLists() throws Exception {
        TablePipelineRun run = new TablePipelineRun(bucket, "iceberg");
        run.run();

        assertEquals(run.fixture.written, run.fixture.committedRows(), "every row once in the plain outputs");
        IcebergTarget target = TableTargets.iceberg(run.conf);
        Catalog catalog = target.catalog();
        for (String ns : TablePipelineRun.NAMESPACES) {
            Table table = catalog.loadTable(target.tableOf(ns));
            assertEquals(run.expectedRows(ns), tableRows(table), ns + ": every row once in the table");

            List<Snapshot> snapshots = new ArrayList<>();
            table.snapshots().forEach(snapshots::add);
            assertEquals(2, snapshots.size(), ns + ": one snapshot per window generation");
            assertTrue(snapshots.stream().allMatch(s -> ns.equals(s.summary().get("compactor.namespace"))
                    && "0".equals(s.summary().get("compactor.generation"))), snapshots.toString());

            List<Path> files = dataFiles(table);
            assertEquals(run.outputs(ns), files.stream().map(f -> bucket.relativize(f).toString())
                    .collect(Collectors.toCollection(TreeSet::new)), ns + ": the table lists the compacted outputs");
            assertEquals(TablePipelineRun.ROWS_PER_NAMESPACE, TablePipelineRun.duckDbRowCount(files),
                    ns + ": DuckDB reads the table's data files");
        }
    }

    private static Map<String, Integer> tableRows(Table table) throws IOException {
        Map<String, Integer> rows = new HashMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                rows.merge(TablePipelineRun.key((String) r.getField("row_id"), (Long) r.getField("ts"),
                        (String) r.getField("writer"), (Long) r.getField("seq"), (Double) r.getField("value")), 1,
                        Integer::sum);
            }
        }
        return rows;
    }

    private static List<Path> dataFiles(Table table) throws IOException {
        List<Path> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> files.add(Path.of(URI.create(t.file().location()))));
        }
        return files;
    }
}
