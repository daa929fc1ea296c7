package dev.compactor.savepoints.bootstrap;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.job.CompactorPipeline;
import dev.compactor.layout.BucketLayout;
import dev.compactor.savepoints.StateDump;
import dev.compactor.savepoints.cli.SavepointSubcommands;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbook's recovery from lost state: a bucket with a committed window (one of its sources left behind by a
 * crash before the deletions), a late file of that window and pending windows is bootstrapped into a savepoint;
 * the job started from it compacts each pending window once and never the committed one again.
 */
class StateBootstrapIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    /** The job's options, given alike to the bootstrap (they decide windows and timers) and to the job. */
    private static final Map<String, String> OPTIONS = Map.of(
            "compaction.window-size", "1min",
            "compaction.min-files", "1",
            "compaction.max-wait", "1s",
            "compaction.priority-waits", "1s;1s;1s;1s",
            "compaction.force-after", "1h",
            "events.poll-interval", "200ms",
            "events.max-out-of-orderness", "1s");

    @TempDir
    Path bucket;

    @TempDir
    Path savepoints;

    @Test
    void theJobStartsFromTheBootstrappedStateAndCompactsEachPendingWindowOnce() throws Exception {
        LocalObjectStore store = new LocalObjectStore(bucket);
        BucketLayout layout = BucketLayout.defaults();
        RowFiles files = new RowFiles(store);
        long w1 = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        long w2 = w1 + 60;
        List<String> written = new ArrayList<>();

        String compacted = RowFiles.sourceKey("users", w1 + 1, "w1", 1);
        String leftover = RowFiles.sourceKey("users", w1 + 2, "w1", 2);
        List<String> committedRows = new ArrayList<>(files.writeSource(compacted, 5));
        committedRows.addAll(files.writeSource(leftover, 5));
        written.addAll(committedRows);
        String committedManifest = commitByHand(store, files, layout, "users", w1 * 1000, committedRows,
                List.of(compacted, leftover));
        store.delete(compacted);
        byte[] committedManifestBytes = store.read(committedManifest);

        written.addAll(files.writeSource(RowFiles.sourceKey("users", w1 + 30, "w1", 3), 4));
        written.addAll(files.writeSource(RowFiles.sourceKey("users", w2 + 1, "w1", 4), 3));
        written.addAll(files.writeSource(RowFiles.sourceKey("users", w2 + 2, "w1", 5), 3));
        written.addAll(files.writeSource(RowFiles.sourceKey("orders", w1 + 5, "w7", 1), 6));

        String savepoint = savepoints.resolve("bootstrapped").toUri().toString();
        assertEquals(0, bootstrap(savepoint), "state bootstrap exit code");
        assertFalse(store.head(leftover).isPresent(), "a source already in a committed output is deleted");

        // "users" sorts after "orders": the filtered dump reads past a key it skips
        JsonNode users = StateDump.read(savepoint, "users").get(0);
        assertEquals(1, users.get("generations").get(String.valueOf(w1 * 1000)).asInt(),
                "the late file of the committed window waits in the next generation");
        assertEquals(3, users.get("files").size());

        JobClient job = startFrom(savepoint);
        try {
            awaitTrue(() -> store.list(BucketLayout.MANIFEST_PREFIX).size() == 4
                    && sources(store).isEmpty() && store.list(BucketLayout.STAGING_PREFIX).isEmpty(),
                    "every pending window committed, sources deleted, staging cleared");
        } finally {
            job.cancel().get();
        }

        assertArrayEquals(committedManifestBytes, store.read(committedManifest), "the committed window is untouched");
        // one manifest per generation: a window compacted twice would have a further generation's manifest
        assertEquals(Set.of(layout.manifestKey("users", w1 * 1000, 0), layout.manifestKey("users", w1 * 1000, 1),
                        layout.manifestKey("users", w2 * 1000, 0), layout.manifestKey("orders", w1 * 1000, 0)),
                store.list(BucketLayout.MANIFEST_PREFIX).stream().map(ObjectInfo::key).collect(Collectors.toSet()));
        assertEquals(sorted(written), sorted(files.committedRowIds()), "every row exactly once");
    }

    /** A commit as the job makes it: the output with the rows, then the manifest listing inputs and output. */
    private static String commitByHand(LocalObjectStore store, RowFiles files, BucketLayout layout, String ns,
                                       long windowStart, List<String> rows, List<String> inputs) throws Exception {
        String output = layout.finalPartKey(ns, windowStart, 0, 0);
        files.write(output, rows);
        List<Manifest.InputEntry> inputEntries = new ArrayList<>();
        for (String input : inputs) {
            inputEntries.add(new Manifest.InputEntry(input, store.head(input).orElseThrow().size(), 5, store.head(input).orElseThrow().eTag()));
        }
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, ns, windowStart, windowStart + 60_000,
                Instant.ofEpochMilli(windowStart).toString(), Instant.ofEpochMilli(windowStart + 60_000).toString(),
                0, 0, Instant.now().toString(), rows.size(), rows.size(), inputEntries,
                List.of(new Manifest.OutputEntry(output, rows.size(), store.head(output).orElseThrow().size(), "-")),
                List.of(), List.of());
        String key = layout.manifestKey(ns, windowStart, 0);
        store.write(key, ManifestCodec.toJson(manifest));
        return key;
    }

    private int bootstrap(String savepoint) {
        List<String> args = new ArrayList<>(List.of("bootstrap", "--bucket", bucket.toString(), "--out", savepoint));
        OPTIONS.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new CommandLine(new SavepointSubcommands().commands().get(0))
                .setOut(new PrintWriter(out, true)).execute(args.toArray(String[]::new));
        assertTrue(out.toString().contains("deleted 1 sources"), out.toString());
        return exit;
    }

    private JobClient startFrom(String savepoint) throws Exception {
        Configuration envConf = new Configuration();
        envConf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(1);
        env.enableCheckpointing(300);
        Configuration conf = Configuration.fromMap(OPTIONS);
        conf.setString("bucket", bucket.toString());
        CompactorPipeline.build(env, conf);
        StreamGraph graph = env.getStreamGraph();
        // The savepoint holds only the tracker: every other operator starts empty, which needs no flag.
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
        return env.executeAsync(graph);
    }

    private static List<ObjectInfo> sources(LocalObjectStore store) throws Exception {
        return store.list("data/").stream()
                .filter(o -> !o.key().contains("/" + BucketLayout.COMPACTED_FILE_PREFIX)).toList();
    }

    private static List<String> sorted(List<String> ids) {
        return ids.stream().sorted().toList();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.holds()) {
            assertTrue(Instant.now().isBefore(deadline), "timed out waiting for: " + what);
            Thread.sleep(100);
        }
    }
}
