package dev.compactor.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.table.DeltaTableFiles;
import dev.compactor.table.DeltaTableReader;
import dev.compactor.table.DeltaTarget;
import dev.compactor.table.TableCommitter;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.compactor.commit.StagedWindowFixture.NAMESPACE;
import static dev.compactor.commit.StagedWindowFixture.ROWS_PER_SOURCE;
import static dev.compactor.commit.StagedWindowFixture.WINDOW_START;
import static dev.compactor.commit.StagedWindowFixture.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit into a Delta table under the bucket's _delta/, read back with Delta Kernel's own reader (its default
 * Parquet reader under our Parquet and Hadoop versions), the log read as the JSON it is.
 */
class WindowPublisherDeltaTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path bucket;

    private final FaultyStore.FailNext faults = new FaultyStore.FailNext();
    /** The bucket of the current run: {@link #bucket}, or one per crash point in a sweep. */
    private Path root;
    private FaultyStore store;
    private StagedWindowFixture fixture;
    private final List<TableCommitter> committers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        useBucket(bucket, faults);
    }

    private void useBucket(Path dir, FaultyStore.Plan plan) throws IOException {
        root = Files.createDirectories(dir);
        store = new FaultyStore(new LocalObjectStore(dir), plan);
        fixture = new StagedWindowFixture(store);
    }

    @AfterEach
    void closeCommitters() throws IOException {
        for (TableCommitter committer : committers) {
            committer.close();
        }
    }

    private DeltaTarget target() {
        return new DeltaTarget(root.toUri() + "_delta/", "{namespace}", root.toUri().toString());
    }

    private WindowPublisher publisher() throws IOException {
        return publisher(store);
    }

    private WindowPublisher publisher(ObjectStore through) throws IOException {
        TableCommitter committer = target().open(through);
        committers.add(committer);
        return new WindowPublisher(through, fixture.layout, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO,
                committer);
    }

    private Path tableDir() {
        return root.resolve("_delta").resolve(NAMESPACE);
    }

    private List<Map<String, Object>> rows() throws IOException {
        return DeltaTableReader.rows(target(), NAMESPACE);
    }

    private List<Long> sortedIds() throws IOException {
        return rows().stream().map(r -> (Long) r.get("id")).sorted().toList();
    }

    /** The table's commits in version order, each as its actions. */
    private List<List<JsonNode>> commits() throws IOException {
        List<List<JsonNode>> commits = new ArrayList<>();
        try (Stream<Path> files = Files.list(tableDir().resolve("_delta_log"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).sorted()
                    .toList()) {
                List<JsonNode> actions = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    actions.add(JSON.readTree(line));
                }
                commits.add(actions);
            }
        }
        return commits;
    }

    /** The commits that add files: one per committed generation. */
    private List<List<JsonNode>> appends() throws IOException {
        return commits().stream().filter(c -> c.stream().anyMatch(a -> a.has("add"))).toList();
    }

    private static Optional<JsonNode> action(List<JsonNode> commit, String type) {
        return commit.stream().filter(a -> a.has(type)).map(a -> a.get(type)).findFirst();
    }

    @Test
    void everyRowOnceAndOneCommitPerGenerationWithStatsFromTheFooters() throws IOException {
        WindowPublisher publisher = publisher();
        StagedWindow g0 = fixture.stage(0, 0, fixture.writeSources(4), 2);
        StagedWindow g1 = fixture.stage(1, 0, fixture.writeSources(2), 1, StagedWindowFixture.Rows.ORDERS, 100);

        assertEquals(PublishOutcome.Status.COMMITTED, publisher.publish(g0).status());
        assertEquals(PublishOutcome.Status.COMMITTED, publisher.publish(g1).status());

        List<Long> expected = new ArrayList<>(ids(0, 4 * ROWS_PER_SOURCE));
        expected.addAll(ids(100, 2 * ROWS_PER_SOURCE));
        assertEquals(expected, sortedIds());
        List<List<JsonNode>> appends = appends();
        assertEquals(2, appends.size());
        assertEquals(2, commits().size(), "the first append creates the table");
        for (int g = 0; g < 2; g++) {
            JsonNode txn = action(appends.get(g), "txn").orElseThrow();
            assertEquals("compactor:" + NAMESPACE + ":" + WINDOW_START, txn.get("appId").asText());
            assertEquals(g, txn.get("version").asLong());
        }

        Map<String, Integer> listed = new TreeMap<>();
        for (StagedWindow generation : List.of(g0, g1)) {
            generation.parts.forEach(p -> listed.put(p.finalKey, 1));
        }
        try (DeltaTableFiles files = new DeltaTableFiles(target())) {
            assertEquals(listed, files.of(NAMESPACE), "verify's view: each output a data file of the table, once");
        }

        StagedWindow.Part first = g0.parts.get(0);
        JsonNode add = appends.get(0).stream().filter(a -> a.has("add")).map(a -> a.get("add"))
                .filter(a -> a.get("path").asText().endsWith(first.finalKey)).findFirst().orElseThrow();
        assertTrue(add.get("path").asText().startsWith("file:/"), "outside the table: an absolute path");
        assertEquals(first.sizeBytes, add.get("size").asLong());
        JsonNode stats = JSON.readTree(add.get("stats").asText());
        assertEquals(first.rowCount, stats.get("numRecords").asLong());
        assertEquals(0, stats.get("minValues").get("id").asLong());
        assertEquals(first.rowCount - 1, stats.get("maxValues").get("id").asLong());
        assertEquals("row-0", stats.get("minValues").get("payload").asText());
        assertEquals(0, stats.get("nullCount").get("id").asLong());
    }

    @Test
    void aReplayAfterACrashBetweenTableCommitAndManifestDoesNotAppendTwice() throws IOException {
        WindowPublisher publisher = publisher();
        List<StagedWindow.Input> inputs = fixture.writeSources(3);
        StagedWindow window = fixture.stage(0, 0, inputs, 2);
        faults.failNext(FaultyStore.Op.WRITE, fixture.manifestKey(0));

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertFalse(fixture.exists(fixture.manifestKey(0)));
        assertTrue(fixture.exists(inputs.get(0).key), "no source may go before the manifest");
        assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds());

        PublishOutcome replay = publisher().publish(window);

        assertEquals(PublishOutcome.Status.COMMITTED, replay.status());
        assertTrue(fixture.exists(fixture.manifestKey(0)));
        assertFalse(fixture.exists(inputs.get(0).key));
        assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds());
        assertEquals(1, commits().size());
    }

    /** A crash after each change the commit makes to the bucket in turn, then a replay: every row once. */
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
                publisher().publish(window);
                crashed = false;
            } catch (IOException e) {
                assertEquals(FaultyStore.CRASH, e.getMessage());
            }
            budget.set(Integer.MAX_VALUE);

            publisher().publish(window);

            assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds(), "crash after " + changes + " changes");
            assertEquals(1, appends().size(), "crash after " + changes + " changes");
            for (StagedWindow.Input input : inputs) {
                assertFalse(fixture.exists(input.key), input.key);
            }
        }
    }

    @Test
    void aCrashBeforeTheTableCommitLeavesNoTableAndTheReplayAppendsOnce() throws IOException {
        WindowPublisher publisher = publisher();
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(3), 3);
        faults.failNext(FaultyStore.Op.MOVE, window.parts.get(1).stagingKey);

        assertThrows(IOException.class, () -> publisher.publish(window));
        assertFalse(Files.exists(tableDir().resolve("_delta_log")), "no table commit before every part is published");

        assertEquals(PublishOutcome.Status.COMMITTED, publisher.publish(window).status());
        assertEquals(PublishOutcome.Status.ALREADY_COMMITTED, publisher.publish(window).status());

        assertEquals(ids(0, 3 * ROWS_PER_SOURCE), sortedIds());
        assertEquals(1, appends().size());
    }

    /**
     * Another writer commits to the table after the committer built its transaction and before it commits: an
     * append of another window, which Kernel rebases onto; another window that adds a column, which Kernel will not
     * rebase onto (the committer's next round does, from a fresh snapshot); or the same generation by a second run
     * (a replay racing the first), whose txn Kernel's conflict check finds, so the loser appends nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"another window", "a new column", "the same generation"})
    void aCommitThatLosesToAnotherWriterIsRetriedAndTheGenerationLandsOnce(String otherWriter) throws IOException {
        publisher().publish(fixture.stage(0, 0, fixture.writeSources(2), 1));
        StagedWindow mine = fixture.stage(1, 0, fixture.writeSources(2), 1, StagedWindowFixture.Rows.ORDERS, 100);
        boolean sameGeneration = otherWriter.equals("the same generation");
        StagedWindow other = sameGeneration ? mine : fixture.stage(WINDOW_START + 3_600_000L, 0, 0,
                fixture.writeSources(1), 1, otherWriter.equals("a new column") ? StagedWindowFixture.Rows.WITH_NOTE
                        : StagedWindowFixture.Rows.ORDERS, 1000);
        // the committer looks at each published part's modification time after building its transaction
        RacingStore racing = new RacingStore(store, mine.parts.get(0).finalKey, () -> tableStepOf(other));

        PublishOutcome outcome = publisher(racing).publish(mine);

        assertEquals(PublishOutcome.Status.COMMITTED, outcome.status(), outcome.failure());
        assertTrue(racing.raced, "the other writer committed in between");
        List<Long> expected = new ArrayList<>(ids(0, 2 * ROWS_PER_SOURCE));
        expected.addAll(ids(100, 2 * ROWS_PER_SOURCE));
        if (!sameGeneration) {
            expected.addAll(ids(1000, ROWS_PER_SOURCE));
        }
        assertEquals(expected.stream().sorted().toList(), sortedIds());
        assertEquals(sameGeneration ? 2 : 3, appends().size());
    }

    /** Window {@code index} after the fixture's, staged as one part of generation 0 with ids from {@code firstId}. */
    private StagedWindow otherWindow(int index, long firstId) throws IOException {
        return fixture.stage(WINDOW_START + index * 3_600_000L, 0, 0, fixture.writeSources(1), 1,
                StagedWindowFixture.Rows.ORDERS, firstId);
    }

    /** What a commit does up to the table, by a committer of its own: check, publish the parts, table commit. */
    private void tableStepOf(StagedWindow window) throws IOException {
        TableCommitter committer = target().open(store);
        committers.add(committer);
        committer.check(window);
        for (StagedWindow.Part part : window.parts) {
            if (fixture.exists(part.stagingKey)) {
                store.move(part.stagingKey, part.finalKey);
            }
        }
        committer.commit(window);
    }

    /** A store that lets another writer commit the first time the part under {@code key} is looked at. */
    private static final class RacingStore extends ForwardingObjectStore {
        interface Writer {
            void commit() throws IOException;
        }

        private final String key;
        private final Writer otherWriter;
        boolean raced;

        RacingStore(ObjectStore delegate, String key, Writer otherWriter) {
            super(delegate);
            this.key = key;
            this.otherWriter = otherWriter;
        }

        @Override
        public Optional<ObjectInfo> head(String key) throws IOException {
            Optional<ObjectInfo> info = super.head(key);
            if (!raced && key.equals(this.key) && info.isPresent()) {
                raced = true;
                otherWriter.commit();
            }
            return info;
        }
    }

    @Test
    void aNewColumnInALaterGenerationEvolvesTheSchema() throws IOException {
        WindowPublisher publisher = publisher();
        publisher.publish(fixture.stage(0, 0, fixture.writeSources(2), 1));
        PublishOutcome outcome = publisher.publish(
                fixture.stage(1, 0, fixture.writeSources(2), 1, StagedWindowFixture.Rows.WITH_NOTE, 100));
        assertEquals(PublishOutcome.Status.COMMITTED, outcome.status(), outcome.failure());

        Map<Long, Object> notes = new TreeMap<>();
        for (Map<String, Object> row : rows()) {
            notes.put((Long) row.get("id"), row.get("note"));
        }
        assertEquals(4 * ROWS_PER_SOURCE, notes.size());
        assertTrue(notes.containsKey(0L));
        assertNull(notes.get(0L), "rows of the generation before the column read it as null");
        assertEquals("note-100", notes.get(100L));
        List<List<JsonNode>> commits = commits();
        assertEquals(3, commits.size(), "create + append, the schema, the append");
        assertTrue(action(commits.get(1), "metaData").orElseThrow().get("schemaString").asText().contains("note"));
        assertEquals(2, appends().size());
    }

    @Test
    void aTypeConflictIsRefusedNamingTheColumnAndBothTypesAndDeletesNoSource() throws IOException {
        WindowPublisher publisher = publisher();
        publisher.publish(fixture.stage(0, 0, fixture.writeSources(2), 1));
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow conflicting = fixture.stage(1, 0, inputs, 1, StagedWindowFixture.Rows.STRING_IDS, 100);

        PublishOutcome outcome = publisher.publish(conflicting);

        assertEquals(PublishOutcome.Status.UNCOMMITTABLE, outcome.status());
        assertTrue(outcome.failure().contains("column 'id' is long in table " + target().tableLocation(NAMESPACE)
                + " but string in "), outcome.failure());
        assertTrue(fixture.exists(inputs.get(0).key));
        assertTrue(fixture.exists(conflicting.parts.get(0).stagingKey), "nothing published");
        assertFalse(fixture.exists(conflicting.parts.get(0).finalKey));
        assertFalse(fixture.exists(fixture.manifestKey(1)));
        assertEquals(1, commits().size());
    }

    /**
     * Past ten commits Kernel writes a Parquet checkpoint (its default Parquet writer under our Parquet version);
     * the table reads back through it, and a replay of a generation whose txn is only in the checkpoint appends
     * nothing.
     */
    @Test
    void theLogIsCheckpointedAndAReplayFindsItsTxnInTheCheckpoint() throws IOException {
        List<StagedWindow> windows = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            StagedWindow window = otherWindow(w, 100L * w);
            windows.add(window);
            expected.addAll(ids(100L * w, ROWS_PER_SOURCE));
            tableStepOf(window);
        }
        assertTrue(Files.exists(tableDir().resolve("_delta_log").resolve("00000000000000000010.checkpoint.parquet")));

        target().open(store).commit(windows.get(3));

        assertEquals(expected, sortedIds());
        assertEquals(12, appends().size());
    }
}
