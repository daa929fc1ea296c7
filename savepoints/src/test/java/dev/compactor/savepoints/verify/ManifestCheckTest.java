package dev.compactor.savepoints.verify;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.table.IcebergTableFiles;
import dev.compactor.table.IcebergTarget;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestCheckTest {

    private static final Schema ROW = SchemaBuilder.record("Row").fields().requiredLong("id").endRecord();
    private static final long WINDOW = 1_735_725_600_000L;

    @TempDir
    Path root;

    private LocalObjectStore store;
    private final BucketLayout layout = BucketLayout.defaults();

    @BeforeEach
    void openStore() {
        store = new LocalObjectStore(root);
    }

    private void writeParquet(String key, int rows) throws IOException {
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(ROW).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get()).build()) {
            for (int i = 0; i < rows; i++) {
                GenericRecord r = new GenericData.Record(ROW);
                r.put("id", (long) i);
                w.write(r);
            }
        }
    }

    /** A committed window generation as the commit leaves it: one output of {@code rows} rows, sources deleted. */
    private Manifest commit(String namespace, int generation, int rows) throws Exception {
        String output = layout.finalPartKey(namespace, WINDOW, generation, 0);
        writeParquet(output, rows);
        byte[] bytes = store.read(output);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String input = "data/" + namespace + "/" + (WINDOW / 1000) + "-w1-" + generation + ".parquet";
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, namespace, WINDOW, WINDOW + 3_600_000L,
                "", "", generation, 0, "2025-01-01T11:00:00Z", rows, rows,
                List.of(new Manifest.InputEntry(input, 100, rows, null)),
                List.of(new Manifest.OutputEntry(output, rows, bytes.length, sha)), List.of(), List.of());
        store.write(layout.manifestKey(namespace, WINDOW, generation), ManifestCodec.toJson(manifest));
        return manifest;
    }

    private Set<Finding.Kind> kinds(ManifestCheck.Report report) {
        return report.findings().stream().map(Finding::kind).collect(Collectors.toSet());
    }

    @Test
    void aBucketAsTheCommitLeftItIsClean() throws Exception {
        commit("users", 0, 10);
        commit("app/events", 0, 5);
        // an attempt of a generation not yet committed is work in progress, not an orphan
        store.write(layout.stagingPartKey("users", WINDOW, 1, 0, 0), new byte[] {1});
        // a retry's merge parameters for a window not committed yet
        store.write(layout.windowOverridesKey("users", WINDOW + 3_600_000L), "{}".getBytes(StandardCharsets.UTF_8));

        ManifestCheck.Report report = new ManifestCheck(store, layout).check(null);
        assertTrue(report.clean(), report.findings().toString());
        assertEquals(2, report.manifests());
        assertEquals(2, report.outputs());
    }

    @Test
    void reportsEveryContradictionOfAManifest() throws Exception {
        Manifest tampered = commit("users", 0, 10);
        writeParquet(tampered.outputs().get(0).key(), 11);
        Manifest lost = commit("users", 1, 4);
        store.delete(lost.outputs().get(0).key());
        Manifest undeleted = commit("orders", 0, 3);
        store.write(undeleted.inputs().get(0).key(), new byte[] {1});
        store.write(layout.stagedMarkerKey("orders", WINDOW, 0, 2), "{}".getBytes(StandardCharsets.UTF_8));
        store.write("_manifests/orders/garbage-g0.json", "not json".getBytes(StandardCharsets.UTF_8));

        ManifestCheck.Report report = new ManifestCheck(store, layout).check(null);

        assertEquals(Set.of(Finding.Kind.OUTPUT_ROWS, Finding.Kind.OUTPUT_CHECKSUM, Finding.Kind.OUTPUT_MISSING,
                Finding.Kind.SOURCE_NOT_DELETED, Finding.Kind.ORPHAN_STAGING, Finding.Kind.UNREADABLE_MANIFEST),
                kinds(report), report.findings().toString());
        assertTrue(report.findings().contains(new Finding(Finding.Kind.OUTPUT_ROWS, tampered.outputs().get(0).key(),
                "11 rows, " + layout.manifestKey("users", WINDOW, 0) + " says 10")), report.findings().toString());
        assertEquals(6, report.findings().size(), report.findings().toString());
    }

    @Test
    void aNamespaceChecksOnlyItsOwnManifestsAndStaging() throws Exception {
        commit("users", 0, 10);
        Manifest other = commit("orders", 0, 3);
        store.write(other.inputs().get(0).key(), new byte[] {1});
        store.write(layout.stagedMarkerKey("orders", WINDOW, 0, 0), new byte[] {1});

        assertTrue(new ManifestCheck(store, layout).check("users").clean());
        assertEquals(Set.of(Finding.Kind.SOURCE_NOT_DELETED, Finding.Kind.ORPHAN_STAGING),
                kinds(new ManifestCheck(store, layout).check("orders")));
    }

    /** A rolled-back generation is checked the other way round: sources back, outputs and retained copies gone. */
    @Test
    void aRolledBackManifestExpectsItsSourcesBackAndItsOutputsGone() throws Exception {
        Manifest finished = commit("users", 0, 10);
        store.write(layout.manifestKey("users", WINDOW, 0), ManifestCodec.toJson(
                finished.rolledBack(java.time.Instant.parse("2025-01-01T12:00:00Z"))));
        store.delete(finished.outputs().get(0).key());
        store.write(finished.inputs().get(0).key(), new byte[100]);
        assertTrue(new ManifestCheck(store, layout).check("users").clean(), "an uncompact that finished");

        Manifest interrupted = commit("orders", 0, 3);
        store.write(layout.manifestKey("orders", WINDOW, 0), ManifestCodec.toJson(
                interrupted.rolledBack(java.time.Instant.parse("2025-01-01T12:00:00Z"))));
        store.write(layout.trashKey("orders", WINDOW, 0, interrupted.inputs().get(0).key()), new byte[100]);

        ManifestCheck.Report report = new ManifestCheck(store, layout).check("orders");
        assertEquals(Set.of(Finding.Kind.OUTPUT_NOT_REMOVED, Finding.Kind.SOURCE_NOT_RESTORED,
                Finding.Kind.TRASH_NOT_CLEARED), kinds(report), report.findings().toString());
        assertEquals(3, report.findings().size(), report.findings().toString());
    }

    @Test
    void inTableModeEveryCommittedOutputIsADataFileOfItsTableListedOnce() throws Exception {
        Manifest users = commit("users", 0, 10);
        Manifest events = commit("app/events", 0, 5);
        IcebergTarget target = new IcebergTarget("compactor", Map.of("type", "hadoop", "warehouse",
                root.resolve("_tables").toUri().toString()), "compactor", "{namespace}", null, root.toUri().toString());
        Manifest.OutputEntry output = users.outputs().get(0);
        DataFile file = DataFiles.builder(PartitionSpec.unpartitioned()).withPath(target.locationOf(output.key()))
                .withFormat(FileFormat.PARQUET).withFileSizeInBytes(output.size()).withRecordCount(output.rows())
                .build();
        Table table = target.catalog().createTable(target.tableOf("users"),
                new org.apache.iceberg.Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
        table.newFastAppend().appendFile(file).commit();

        try (IcebergTableFiles tables = new IcebergTableFiles(target)) {
            ManifestCheck.Report report = new ManifestCheck(store, layout, tables).check(null);
            assertEquals(List.of(new Finding(Finding.Kind.TABLE_FILE_MISSING, events.outputs().get(0).key(),
                    "listed in " + layout.manifestKey("app/events", WINDOW, 0)
                            + " but not a data file of table compactor.app_events")), report.findings());

            table.newFastAppend().appendFile(file).commit();
            report = new ManifestCheck(store, layout, tables).check("users");
            assertEquals(List.of(new Finding(Finding.Kind.TABLE_FILE_DUPLICATE, output.key(),
                    "listed 2 times by table compactor.users: its rows read 2 times")), report.findings());
        }
    }
}
