package dev.compactor.job;

import dev.compactor.table.DeltaTarget;
import dev.compactor.table.IcebergTarget;
import dev.compactor.table.TableTarget;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTargetsTest {

    @TempDir
    Path bucket;

    private Configuration options(String... args) {
        Configuration conf = OptionArguments.parse(List.of(args));
        OptionReader.checkAll(conf, CompactorOptions.all());
        return conf;
    }

    @Test
    void nativeIsTheDefaultAndHasNoTable() {
        assertSame(TableTarget.NATIVE, TableTargets.of(options("--bucket", bucket.toString())));
    }

    @Test
    void icebergWithoutCatalogPropertiesIsAHadoopCatalogUnderTheBucket() {
        IcebergTarget target = (IcebergTarget) TableTargets.of(options("--bucket", bucket.toString(),
                "--compaction.target-format", "ICEBERG"));

        assertEquals(Map.of("type", "hadoop", "warehouse", bucket.resolve("_tables").toUri().toString()),
                target.catalogProperties());
        assertEquals(bucket.toUri().toString(), target.bucketLocation());
        assertEquals("compactor.logs_web", target.tableOf("logs/web").toString());
        assertNull(target.partitionColumn());
    }

    @Test
    void catalogPropertiesPassThroughOnePerOptionAndTheTableOptionsApply() {
        IcebergTarget target = (IcebergTarget) TableTargets.of(options("--bucket", "s3://lake/raw",
                "--compaction.target-format", "iceberg",
                "--compaction.iceberg.catalog.type", "rest", "--compaction.iceberg.catalog.uri", "http://catalog:8181",
                "--compaction.iceberg.catalog.warehouse", "s3://lake/warehouse",
                "--compaction.table-database", "lake.compacted", "--compaction.table-name-pattern", "t_{namespace}",
                "--compaction.table-partition-column", "ts"));

        assertEquals(Map.of("type", "rest", "uri", "http://catalog:8181", "warehouse", "s3://lake/warehouse"),
                target.catalogProperties());
        assertEquals("s3://lake/raw/", target.bucketLocation());
        assertEquals("lake.compacted.t_orders", target.tableOf("orders").toString());
        assertEquals("ts", target.partitionColumn());
    }

    @Test
    void refusesAnUnknownFormatAMisspeltCatalogOptionAndAnS3BucketWithoutCatalog() {
        assertTrue(assertThrows(InvalidOptionException.class, () -> TableTargets.of(options("--bucket",
                bucket.toString(), "--compaction.target-format", "hudi"))).getMessage()
                .contains("expected one of native, iceberg, delta"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> options("--bucket", bucket.toString(),
                "--compaction.iceberg.catalogs.type", "rest")).getMessage()
                .contains("unknown option --compaction.iceberg.catalogs.type"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> TableTargets.of(options("--bucket",
                "s3://lake/raw", "--compaction.target-format", "iceberg"))).getMessage()
                .contains("needs a catalog: set --compaction.iceberg.catalog.type"));
    }

    @Test
    void deltaTablesLieUnderTheBucketsDeltaDirectoryOrTheConfiguredRoot(@TempDir Path elsewhere) {
        DeltaTarget target = (DeltaTarget) TableTargets.of(options("--bucket", bucket.toString(),
                "--compaction.target-format", "delta"));

        assertEquals(bucket.toUri() + "_delta/", target.tableRoot());
        assertEquals(bucket.toUri() + "_delta/logs_web", target.tableLocation("logs/web"));
        assertEquals(bucket.toUri().toString(), target.bucketLocation());

        DeltaTarget configured = (DeltaTarget) TableTargets.of(options("--bucket", bucket.toString(),
                "--compaction.target-format", "delta", "--compaction.delta.table-root", elsewhere.toString(),
                "--compaction.table-name-pattern", "t_{namespace}"));

        assertEquals(elsewhere.toUri() + "t_orders", configured.tableLocation("orders"));
    }

    @Test
    void deltaRefusesAnS3BucketAPartitionColumnAndARootUnderTheDataPrefix() {
        assertTrue(assertThrows(InvalidOptionException.class, () -> TableTargets.of(options("--bucket",
                "s3://lake/raw", "--compaction.target-format", "delta"))).getMessage()
                .contains("serves local directory buckets only"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> TableTargets.of(options("--bucket",
                bucket.toString(), "--compaction.target-format", "delta", "--compaction.table-partition-column",
                "ts"))).getMessage().contains("writes unpartitioned tables"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> TableTargets.of(options("--bucket",
                bucket.toString(), "--compaction.target-format", "delta", "--compaction.delta.table-root",
                bucket.resolve("data/tables").toString()))).getMessage().contains("lies under the data prefix"));
    }
}
