package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.table.IcebergTableCommitter;
import dev.compactor.table.IcebergTarget;
import dev.compactor.table.TableCommitter;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.compactor.commit.StagedWindowFixture.NAMESPACE;
import static dev.compactor.commit.StagedWindowFixture.ROWS_PER_SOURCE;
import static dev.compactor.commit.StagedWindowFixture.WINDOW_START;
import static dev.compactor.commit.StagedWindowFixture.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commit into an Iceberg table (a Hadoop catalog under the bucket), read back with Iceberg's own reader. */
class WindowPublisherIcebergTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    /** The window's hour in microseconds; rows of the timestamped parts lie within it. */
    private static final long WINDOW_MICROS = WINDOW_START * 1_000;

    @TempDir
    Path bucket;

    private final FaultyStore.FailNext faults = new FaultyStore.FailNext();
    /** The bucket of the current run: {@link #bucket}, or one per crash point in a sweep. */
    private Path root;
    private FaultyStore store;
    private StagedWindowFixture fixture;
    private Catalog catalog;
    private final List<TableCommitter> committers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        useBucket(bucket, faults);
    }

    private void useBucket(Path dir, FaultyStore.Plan plan) throws IOException {
        root = Files.createDirectories(dir);
        store = new FaultyStore(new LocalObjectStore(dir), plan);
        fixture = new StagedWindowFixture(store);
        catalog = target(null).catalog();
    }

    @AfterEach
    void closeCommitters() throws IOException {
        for (TableCommitter committer : committers) {
            committer.close();
        }
    }

    private IcebergTarget target(String partitionColumn) {
        return new IcebergTarget("compactor", Map.of("type", "hadoop", "warehouse",
                root.resolve("_tables").toUri().toString()), "compactor", "{namespace}", partitionColumn,
                root.toUri().toString());
    }

    private WindowPublisher publisher(String partitionColumn) throws IOException {
        TableCommitter committer = target(partitionColumn).open(store);
        committers.add(committer);
        return new WindowPublisher(store, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, committer);
    }

    private Table table() {
        return catalog.loadTable(target(null).tableOf(NAMESPACE));
    }

    private static List<Record> rows(Table table) throws IOException {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(rows::add);
        }
        return rows;
    }

    private static List<Long> sortedIds(Table table) throws IOException {
        return rows(table).stream().map(r -> (Long) r.getField("id")).sorted().toList();
    }

    private static List<DataFile> dataFiles(Table table) throws IOException {
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
            tasks.forEach(task -> files.add(task.file()));
        }
        return files;
    }

    @Test
    void everyRowOnceAndOneSnapshotPerGenerationWithMetricsFromTheFooters() throws IOException {
        WindowPublisher publisher = publisher(null);
        StagedWindow g0 = fixture.stage(0, 0, fixture.writeSources(4), 2);
        StagedWindow g1 = fixture.stage(1, 0, fixture.writeSources(2), 1, StagedWindowFixture.Rows.ORDERS, 100);

        assertEquals(PublishOutcome.Status.COMMITTED, publisher.publish(g0).status());
        assertEquals(PublishOutcome.Status.COMMITTED, publisher.publish(g1).status());

        Table table = table();
        List<Long> expected = new ArrayList<>(ids(0, 4 * ROWS_PER_SOURCE));
        expected.addAll(ids(100, 2 * ROWS_PER_SOURCE));
        assertEquals(expected, sortedIds(table));
        List<Snapshot> snapshots = new ArrayList<>();
        table.snapshots().forEach(snapshots::add);
        assertEquals(2, snapshots.size());
        for (int g = 0; g < 2; g++) {
            Map<String, String> summary = snapshots.get(g).summary();
            assertEquals(NAMESPACE, summary.get("compactor.namespace"));
            assertEquals(Long.toString(WINDOW_START), summary.get("compactor.window"));
            assertEquals("2025-01-01T10:00:00Z", summary.get("compactor.window-utc"));
            assertEquals(Integer.toString(g), summary.get("compactor.generation"));
        }
        assertTrue(table.properties().containsKey(TableProperties.DEFAULT_NAME_MAPPING),
                "files without field ids are read through the name mapping");

        Map<String, DataFile> files = new TreeMap<>();
        dataFiles(table).forEach(f -> files.put(f.location(), f));
        StagedWindow.Part first = g0.parts.get(0);
        DataFile file = files.get(root.toUri() + first.finalKey);
        assertEquals(first.rowCount, file.recordCount());
        assertEquals(first.sizeBytes, file.fileSizeInBytes());
        int idColumn = table.schema().findField("id").fieldId();
        assertEquals(0L, (Long) Conversions.fromByteBuffer(Types.LongType.get(), file.lowerBounds().get(idColumn)));
        assertEquals(first.rowCount - 1,
                (Long) Conversions.fromByteBuffer(Types.LongType.get(), file.upperBounds().get(idColumn)));
        assertEquals(0L, file.nullValueCounts().get(idColumn));
    }

    @Test
    void aReplayAfterACrashBetweenTableCommitAndManifestDoesNotAppendTwice() throws IOException {
        WindowPublisher publisher = publisher(null);
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);
        faults.failNext(FaultyStore.Op.WRITE, fixture.manifestKey(0));

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertFalse(fixture.exists(fixture.manifestKey(0)));
        assertTrue(fixture.exists(inputs.get(0).key), "no source may go before the manifest");
        assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds(table()));

        PublishOutcome replay = publisher(null).publish(window);

        assertEquals(PublishOutcome.Status.COMMITTED, replay.status());
        assertTrue(fixture.exists(fixture.manifestKey(0)));
        assertFalse(fixture.exists(inputs.get(0).key));
        Table table = table();
        assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds(table));
        assertEquals(1, countSnapshots(table));
    }

    /**
     * A crash after each change the commit makes to the bucket in turn (part moves, manifest, source and staging
     * deletions; the table commit lies between the moves and the manifest), then a replay: every row is in the table
     * once, in one snapshot, and the sources are gone.
     */
    @Test
    void aCrashAtAnyStepOfTheCommitLeavesEveryRowInTheTableOnceAfterTheReplay() throws IOException {
        boolean crashed = true;
        for (int changes = 0; crashed; changes++) {
            AtomicInteger budget = new AtomicInteger(Integer.MAX_VALUE);
            useBucket(bucket.resolve("crash-after-" + changes), FaultyStore.crashAfterChanges(budget));
            List<StagedWindow.Input> inputs = fixture.writeSources(3);
            StagedWindow window = fixture.stage(0, 0, inputs, 2);
            budget.set(changes);
            try {
                publisher(null).publish(window);
                crashed = false;
            } catch (IOException e) {
                assertEquals(FaultyStore.CRASH, e.getMessage());
            }
            budget.set(Integer.MAX_VALUE);

            publisher(null).publish(window);

            Table table = table();
            assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds(table), "crash after " + changes + " changes");
            assertEquals(1, countSnapshots(table), "crash after " + changes + " changes");
            for (StagedWindow.Input input : inputs) {
                assertFalse(fixture.exists(input.key), input.key);
            }
        }
    }

    @Test
    void aCrashBeforeTheTableCommitLeavesNoSnapshotAndTheReplayAppendsOnce() throws IOException {
        WindowPublisher publisher = publisher(null);
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(3), 3);
        faults.failNext(FaultyStore.Op.MOVE, window.parts.get(1).stagingKey);

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertFalse(catalog.tableExists(target(null).tableOf(NAMESPACE)), "no table commit before every part is published");

        assertEquals(PublishOutcome.Status.COMMITTED, publisher.publish(window).status());
        assertEquals(PublishOutcome.Status.ALREADY_COMMITTED, publisher.publish(window).status());

        Table table = table();
        assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds(table));
        assertEquals(1, countSnapshots(table));
    }

    /**
     * Another writer commits to the table between the committer's look at the table and its own commit. Iceberg
     * retries it on the new table state; with Iceberg's retries off, the committer's own round looks at the table's
     * history again. Either way the generation lands once, next to the other writer's snapshot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"4", "0"})
    void aCommitThatLosesToAnotherWriterIsRetriedAndAppendsOnce(String icebergRetries) throws IOException {
        publisher(null).publish(fixture.stage(0, 0, fixture.writeSources(2), 1));
        table().updateProperties().set(TableProperties.COMMIT_NUM_RETRIES, icebergRetries).commit();
        fixture.writeParquet("external/foreign.parquet", 1000, 3);
        DataFile foreign = DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath(root.toUri() + "external/foreign.parquet").withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(store.head("external/foreign.parquet").orElseThrow().size()).withRecordCount(3)
                .build();
        // the check before publishing loads the table once, the commit a second time: the other writer comes then
        RacingCatalog racing = new RacingCatalog(target(null).catalog(), 2,
                () -> table().newFastAppend().appendFile(foreign).commit());
        TableCommitter committer = new IcebergTableCommitter(racing, store, target(null));
        committers.add(committer);
        WindowPublisher publisher = new WindowPublisher(store, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ZERO, committer);

        PublishOutcome outcome = publisher.publish(fixture.stage(1, 0, fixture.writeSources(2), 1,
                StagedWindowFixture.Rows.ORDERS, 100));

        assertEquals(PublishOutcome.Status.COMMITTED, outcome.status(), outcome.failure());
        assertTrue(racing.raced, "the other writer committed in between");
        List<Long> expected = new ArrayList<>(ids(0, 2 * ROWS_PER_SOURCE));
        expected.addAll(ids(100, 2 * ROWS_PER_SOURCE));
        expected.addAll(ids(1000, 3));
        Table table = table();
        assertEquals(expected, sortedIds(table));
        assertEquals(3, countSnapshots(table));
    }

    /** A catalog whose {@code n}th table load lets another writer commit right after it. */
    private static final class RacingCatalog implements Catalog {
        private final Catalog delegate;
        private final Runnable otherWriter;
        private int loadsBeforeRace;
        boolean raced;

        RacingCatalog(Catalog delegate, int n, Runnable otherWriter) {
            this.delegate = delegate;
            this.loadsBeforeRace = n;
            this.otherWriter = otherWriter;
        }

        @Override
        public Table loadTable(TableIdentifier identifier) {
            Table table = delegate.loadTable(identifier);
            if (--loadsBeforeRace == 0) {
                otherWriter.run();
                raced = true;
            }
            return table;
        }

        @Override
        public boolean tableExists(TableIdentifier identifier) {
            return delegate.tableExists(identifier);
        }

        @Override
        public TableBuilder buildTable(TableIdentifier identifier, org.apache.iceberg.Schema schema) {
            return delegate.buildTable(identifier, schema);
        }

        @Override
        public List<TableIdentifier> listTables(Namespace namespace) {
            return delegate.listTables(namespace);
        }

        @Override
        public boolean dropTable(TableIdentifier identifier, boolean purge) {
            return delegate.dropTable(identifier, purge);
        }

        @Override
        public void renameTable(TableIdentifier from, TableIdentifier to) {
            delegate.renameTable(from, to);
        }
    }

    @Test
    void aNewColumnInALaterGenerationEvolvesTheSchema() throws IOException {
        WindowPublisher publisher = publisher(null);
        publisher.publish(fixture.stage(0, 0, fixture.writeSources(2), 1));
        publisher.publish(fixture.stage(1, 0, fixture.writeSources(2), 1, StagedWindowFixture.Rows.WITH_NOTE, 100));

        Table table = table();
        assertEquals(Types.StringType.get(), table.schema().findField("note").type());
        Map<Long, Object> notes = new TreeMap<>();
        for (Record row : rows(table)) {
            notes.put((Long) row.getField("id"), row.getField("note"));
        }
        assertEquals(4 * ROWS_PER_SOURCE, notes.size());
        assertNull(notes.get(0L), "rows of the generation before the column read it as null");
        assertEquals("note-100", notes.get(100L));
    }

    @Test
    void aTypeConflictIsRefusedNamingTheColumnAndBothTypesAndDeletesNoSource() throws IOException {
        WindowPublisher publisher = publisher(null);
        publisher.publish(fixture.stage(0, 0, fixture.writeSources(2), 1));
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow conflicting = fixture.stage(1, 0, inputs, 1, StagedWindowFixture.Rows.STRING_IDS, 100);

        PublishOutcome outcome = publisher.publish(conflicting);

        assertEquals(PublishOutcome.Status.UNCOMMITTABLE, outcome.status());
        assertTrue(outcome.failure().contains("column 'id' is long in table compactor.orders but string in "),
                outcome.failure());
        assertTrue(fixture.exists(inputs.get(0).key));
        assertTrue(fixture.exists(conflicting.parts.get(0).stagingKey), "nothing published");
        assertFalse(fixture.exists(conflicting.parts.get(0).finalKey));
        assertFalse(fixture.exists(fixture.manifestKey(1)));
        assertEquals(1, countSnapshots(table()));
    }

    @Test
    void aTimestampColumnPartitionsTheTableByHour() throws IOException {
        WindowPublisher publisher = publisher("ts");
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(2), 2, timestamped(0), 0);

        PublishOutcome outcome = publisher.publish(window);
        assertEquals(PublishOutcome.Status.COMMITTED, outcome.status(), outcome.failure());

        Table table = table();
        assertEquals("[\n  1000: ts_hour: hour(2)\n]", table.spec().toString());
        List<DataFile> files = dataFiles(table);
        assertEquals(2, files.size());
        int windowHour = (int) (WINDOW_START / 3_600_000L);
        for (DataFile file : files) {
            assertEquals(windowHour, file.partition().get(0, Integer.class));
        }
        assertEquals(ids(0, 2 * ROWS_PER_SOURCE), sortedIds(table));
    }

    @Test
    void aPartWhoseRowsSpanTwoHoursIsRefused() throws IOException {
        WindowPublisher publisher = publisher("ts");
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        // one row per 20 minutes from the window start: six rows reach into the next hour
        StagedWindow window = fixture.stage(0, 0, inputs, 1, timestamped(1_200_000_000L), 0);

        PublishOutcome outcome = publisher.publish(window);

        assertEquals(PublishOutcome.Status.UNCOMMITTABLE, outcome.status());
        assertTrue(outcome.failure().contains("its rows lie in 2 hour partitions of table compactor.orders"),
                outcome.failure());
        assertTrue(fixture.exists(inputs.get(0).key));
    }

    /** Orders with a UTC timestamp "ts": the window start plus {@code microsPerId} per id. */
    private static StagedWindowFixture.Rows timestamped(long microsPerId) {
        return new StagedWindowFixture.Rows(
                SchemaBuilder.record("Order").fields().requiredLong("id")
                        .name("ts").type(LogicalTypes.timestampMicros().addToSchema(
                                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG))).noDefault()
                        .endRecord(),
                (id, row) -> {
                    row.put("id", id);
                    row.put("ts", WINDOW_MICROS + id * microsPerId);
                });
    }

    private static int countSnapshots(Table table) {
        int count = 0;
        for (Snapshot ignored : table.snapshots()) {
            count++;
        }
        return count;
    }
}
