package dev.compactor.job.cli;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.job.api.ControlCommandWriter;
import dev.compactor.layout.BucketLayout;
import dev.compactor.job.api.StatusApi;
import dev.compactor.status.HealthRule;
import dev.compactor.status.HealthThresholds;
import dev.compactor.status.NamespaceSnapshot;
import dev.compactor.status.StatusJson;
import dev.compactor.status.WindowSnapshot;
import dev.compactor.store.LocalObjectStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's API commands against a real API over a fixed status: tables, --json, exit codes, enqueued commands. */
class ApiClientCommandsTest {

    private static final long NOW = 1_700_010_000_000L;
    private static final long W0 = 1_700_006_400_000L;

    @TempDir
    Path bucket;

    private StatusApi api;
    private String url;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private void startApi(HealthThresholds thresholds) throws IOException {
        NamespaceSnapshot users = new NamespaceSnapshot("users", "users", 2, false, 900_000, "none", 300_000,
                List.of("w1"), List.of("w1"), List.of(new WindowSnapshot(W0, W0 + 3_600_000, 0, "pending", 3, 300,
                List.of("w1"), 0, 0, 0, 0, null, true, "mem=536870912~engine=reference")), 0, 0, null, 4096,
                List.of(W0));
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        api = new StatusApi(() -> Map.of("users", StatusJson.write(users)),
                new ControlCommandWriter(() -> new LocalObjectStore(bucket), clock), new HealthRule(thresholds),
                "secret", clock);
        url = "http://localhost:" + api.start("localhost", 0);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private int run(String... args) {
        CommandLine cli = CompactorCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] withApi = Stream.concat(Stream.of(args), Stream.of("--api", url)).toArray(String[]::new);
        return cli.execute(withApi);
    }

    private long controlObjects() throws IOException {
        Path dir = bucket.resolve("_control");
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void statusPrintsATableOrJson() throws IOException {
        startApi(HealthThresholds.runbookDefaults());
        assertEquals(0, run("status", "--namespace", "users"));
        assertTrue(out.toString().contains("namespace users  priority 2"), out.toString());
        assertTrue(out.toString().contains(W0 + " "), out.toString());
        assertTrue(out.toString().contains("pending*"), out.toString());
        assertTrue(out.toString().contains("retained sources: 4096 bytes; held after uncompact (trigger to compact): [\"" + W0
                + "\"]"), out.toString());
        assertTrue(out.toString().contains("retry parameters {\"mergeMemoryBytes\":536870912,\"engine\":\"REFERENCE\"}"),
                out.toString());

        assertEquals(0, run("status", "--namespace", "users", "--json"));
        assertTrue(out.toString().contains("\"totalPendingFiles\" : 3"), out.toString());

        assertEquals(1, run("status", "--namespace", "orders"));
        assertTrue(err.toString().contains("unknown namespace"), err.toString());
    }

    @Test
    void healthExitsNonZeroWhenUnhealthy() throws IOException {
        startApi(new HealthThresholds(0, 3, 7_200_000, 14_400_000, 10, 20, 1, 2));
        assertEquals(HealthCommand.UNHEALTHY, run("health"));
        assertTrue(out.toString().contains("users") && out.toString().contains("unhealthy"), out.toString());
    }

    @Test
    void healthyHealthExitsZero() throws IOException {
        startApi(HealthThresholds.runbookDefaults());
        assertEquals(0, run("health", "--json"));
        assertTrue(out.toString().contains("\"status\" : \"healthy\""), out.toString());
    }

    @Test
    void controlCommandsEnqueueWithTheTokenAndFailWithoutIt() throws IOException {
        startApi(HealthThresholds.runbookDefaults());
        assertEquals(1, run("set-priority", "--namespace", "users", "--priority", "0", "--token", "wrong"));
        assertEquals(0, controlObjects());

        assertEquals(0, run("set-priority", "--namespace", "users", "--priority", "0", "--token", "secret"));
        assertTrue(out.toString().contains("accepted: priority for users"), out.toString());
        assertEquals(0, run("trigger-check", "--namespace", "users", "--token", "secret"));
        assertEquals(0, run("cleanup", "--namespace", "users", "--token", "secret"));
        assertEquals(0, run("reset", "--namespace", "users", "--token", "secret"));
        assertEquals(4, controlObjects());

        assertEquals(1, run("rollback", "--namespace", "users", "--window", String.valueOf(W0), "--token", "secret"));
        assertTrue(err.toString().contains("409"), err.toString());
        assertEquals(1, run("set-priority", "--namespace", "users", "--priority", "7", "--token", "secret"));
        assertTrue(err.toString().contains("400"), err.toString());
        assertEquals(4, controlObjects());
    }

    private List<String> controlNames() throws IOException {
        try (Stream<Path> files = Files.walk(bucket.resolve("_control"))) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void triggerAndRetryEnqueueWindowCommandsAndRetryWritesTheWindowsParameters() throws IOException {
        startApi(HealthThresholds.runbookDefaults());
        assertEquals(1, run("trigger", "--namespace", "users", "--window", "123", "--token", "secret"));
        assertTrue(err.toString().contains("404"), err.toString());
        assertEquals(2, run("retry", "--namespace", "users", "--window", String.valueOf(W0), "--sort", "maybe",
                "--token", "secret"), "a usage error");
        assertEquals(1, run("retry", "--namespace", "users", "--window", String.valueOf(W0), "--merge-memory", "1kb",
                "--token", "secret"));
        assertTrue(err.toString().contains("merge memory must be at least"), err.toString());
        assertEquals(0, controlObjects());

        assertEquals(0, run("trigger", "--namespace", "users", "--window", String.valueOf(W0), "--token", "secret"));
        assertEquals(0, run("retry", "--namespace", "users", "--window", String.valueOf(W0), "--merge-memory", "512mb",
                "--sort", "off", "--engine", "reference", "--token", "secret"));
        List<String> names = controlNames();
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.endsWith(".trigger-" + W0 + ".json")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.endsWith(".rollback-" + W0
                + "~mem=536870912~sort=off~engine=reference.json")), names.toString());
        String overrides = Files.readString(bucket.resolve("_staging/users/" + W0 + "-overrides.json"));
        assertTrue(overrides.contains("\"spec\":\"mem=536870912~sort=off~engine=reference\""), overrides);

        assertEquals(1, run("uncompact", "--namespace", "users", "--window", String.valueOf(W0), "--token", "secret"));
        assertTrue(err.toString().contains("404") && err.toString().contains("no manifest"), err.toString());
        assertEquals(2, controlObjects(), "an uncompact without a manifest enqueues no hold");

        // committed without a source retention: its sources are gone
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, "users", W0, W0 + 3_600_000, "", "", 0, 0,
                "2023-11-15T00:00:00Z", 3, 3, List.of(new Manifest.InputEntry("data/users/1700006401-w1-0.parquet",
                100, 3, null)), List.of(), List.of(), List.of());
        Path manifestFile = bucket.resolve(BucketLayout.defaults().manifestKey("users", W0, 0));
        Files.createDirectories(manifestFile.getParent());
        Files.write(manifestFile, ManifestCodec.toJson(manifest));
        assertEquals(1, run("uncompact", "--namespace", "users", "--window", String.valueOf(W0), "--token", "secret"));
        assertTrue(err.toString().contains("409") && err.toString().contains("were not kept"), err.toString());
        assertEquals(2, controlObjects(), "a refused uncompact does not hold the window");
    }
}
