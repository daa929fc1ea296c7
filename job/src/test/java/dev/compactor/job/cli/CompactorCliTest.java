package dev.compactor.job.cli;

import dev.compactor.job.BucketLocation;
import dev.compactor.job.CompactorOptions;
import dev.compactor.merge.MergeSettings;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactorCliTest {

    @TempDir
    Path bucket;

    private static Configuration localConfiguration(String... args) {
        CommandLine cli = CompactorCli.commandLine();
        cli.parseArgs(prepend("local", args));
        LocalCommand local = cli.getSubcommands().get("local").getCommand();
        return local.configuration();
    }

    private static Configuration demoConfiguration(String... args) {
        CommandLine cli = CompactorCli.commandLine();
        cli.parseArgs(prepend("demo", args));
        DemoCommand demo = cli.getSubcommands().get("demo").getCommand();
        return demo.configuration();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void durationGivenAsSeparateValueLandsInConfiguration() {
        Configuration conf = localConfiguration("--bucket", bucket.toString(), "--compaction.window-size", "10 min");
        assertEquals(Duration.ofMinutes(10), conf.get(CompactorOptions.WINDOW_SIZE));
        assertEquals(bucket.toString(), conf.get(CompactorOptions.BUCKET));
    }

    @Test
    void keyEqualsValueFormAndEveryTypeParse() {
        Configuration conf = localConfiguration("--compaction.min-files=3", "--bucket", bucket.toString(),
                "--compaction.target-file-size", "64 mb", "--events.poll-interval", "250 ms",
                "--compaction.sort-column", "ts");
        assertEquals(3, conf.get(CompactorOptions.MIN_FILES));
        assertEquals(MemorySize.parse("64 mb"), conf.get(CompactorOptions.TARGET_FILE_SIZE));
        assertEquals(Duration.ofMillis(250), conf.get(CompactorOptions.POLL_INTERVAL));
        assertEquals("ts", conf.get(CompactorOptions.SORT_COLUMN));
    }

    @Test
    void flinkKeysPassThrough() {
        Configuration conf = localConfiguration("--bucket", bucket.toString(), "--rest.port", "9091",
                "--execution.checkpointing.interval", "30 s", "--parallelism.default", "1");
        assertEquals(9091, conf.get(RestOptions.PORT));
        assertEquals(Duration.ofSeconds(30), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals("1", conf.toMap().get("parallelism.default"));
    }

    @Test
    void s3BucketWithKinesisEventsIsAccepted() {
        Configuration conf = localConfiguration("--bucket", "s3://lake/raw", "--s3.endpoint", "http://127.0.0.1:4570",
                "--s3.path-style-access", "true", "--s3.access-key", "a", "--s3.secret-key", "b",
                "--events.source", "kinesis",
                "--events.kinesis.stream-arn", "arn:aws:kinesis:us-east-1:000000000000:stream/bucket-events",
                "--events.kinesis.endpoint", "http://127.0.0.1:4568");
        assertEquals("s3://lake/raw", conf.get(CompactorOptions.BUCKET));
        assertTrue(conf.get(CompactorOptions.S3_PATH_STYLE_ACCESS));
        assertEquals("kinesis", conf.get(CompactorOptions.EVENTS_SOURCE));
        assertEquals("http://127.0.0.1:4568", conf.get(CompactorOptions.KINESIS_ENDPOINT));

        ParameterException typo = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", "s3://lake", "--s3.endpiont", "http://x"));
        assertTrue(typo.getMessage().contains("unknown option --s3.endpiont"), typo.getMessage());
    }

    /** The API writes commands where the job reads its events: an s3:// bucket, not a local directory so named. */
    @Test
    void apiWritesCommandsIntoAnS3BucketOrADirectory() {
        CommandLine cli = CompactorCli.commandLine();
        cli.parseArgs("api", "--jobmanager", "localhost:8081", "--bucket", "s3://lake/raw",
                "--s3.endpoint", "http://127.0.0.1:4570", "--s3.path-style-access", "true");
        Configuration conf = ((ApiCommand) cli.getSubcommands().get("api").getCommand()).configuration();
        assertEquals("s3://lake/raw", conf.get(CompactorOptions.BUCKET));
        assertEquals("raw/", BucketLocation.keyPrefix(conf));

        cli = CompactorCli.commandLine();
        cli.parseArgs("api", "--jobmanager", "localhost:8081", "--bucket", bucket.toString());
        conf = ((ApiCommand) cli.getSubcommands().get("api").getCommand()).configuration();
        assertEquals(bucket.toString(), conf.get(CompactorOptions.BUCKET));
        assertEquals("", BucketLocation.keyPrefix(conf));
    }

    @Test
    void unknownKeyInOurNamespaceIsAnErrorListingValidKeys() {
        ParameterException e = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", bucket.toString(), "--compaction.windowsize", "10 min"));
        assertTrue(e.getMessage().contains("unknown option --compaction.windowsize"), e.getMessage());
        assertTrue(e.getMessage().contains("--compaction.window-size"), e.getMessage());
        assertTrue(e.getMessage().contains("--events.poll-interval"), e.getMessage());

        ParameterException local = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", bucket.toString(), "--local.statedir", "/tmp/x"));
        assertTrue(local.getMessage().contains("--local.statedir"), local.getMessage());
    }

    @Test
    void badDurationNamesTheKey() {
        ParameterException e = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", bucket.toString(), "--compaction.window-size", "10 minutes-ish"));
        assertTrue(e.getMessage().contains("--compaction.window-size"), e.getMessage());
        assertTrue(e.getMessage().contains("'10 minutes-ish'"), e.getMessage());
    }

    @Test
    void badFlinkValueWeReadNamesTheKey() {
        ParameterException e = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", bucket.toString(), "--rest.port", "eighty"));
        assertTrue(e.getMessage().contains("--rest.port"), e.getMessage());
    }

    @Test
    void missingBucketIsAnError() {
        MissingParameterException e = assertThrows(MissingParameterException.class,
                () -> localConfiguration("--compaction.window-size", "10 min"));
        assertTrue(e.getMessage().contains("--bucket"), e.getMessage());
    }

    @Test
    void optionWithoutValueOrStrayWordIsAnError() {
        ParameterException noValue = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", bucket.toString(), "--compaction.min-files"));
        assertTrue(noValue.getMessage().contains("--compaction.min-files needs a value"), noValue.getMessage());

        ParameterException stray = assertThrows(ParameterException.class,
                () -> localConfiguration("--bucket", bucket.toString(), "window"));
        assertTrue(stray.getMessage().contains("'window'"), stray.getMessage());
    }

    @Test
    void demoHasShortWindowsThatUserOptionsOverride() {
        Configuration defaults = demoConfiguration();
        assertEquals(Duration.ofMinutes(1), defaults.get(CompactorOptions.WINDOW_SIZE));
        assertEquals(Duration.ofSeconds(20), defaults.get(CompactorOptions.MAX_WAIT));
        assertEquals(5, defaults.get(CompactorOptions.MIN_FILES));
        assertEquals(Duration.ofSeconds(5), defaults.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(Path.of("demo-bucket").toAbsolutePath().toString(), defaults.get(CompactorOptions.BUCKET));

        Configuration overridden = demoConfiguration("--bucket", bucket.toString(),
                "--compaction.window-size", "2 min", "--execution.checkpointing.interval", "1 s");
        assertEquals(Duration.ofMinutes(2), overridden.get(CompactorOptions.WINDOW_SIZE));
        assertEquals(Duration.ofSeconds(1), overridden.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(Duration.ofSeconds(20), overridden.get(CompactorOptions.MAX_WAIT));
    }

    @Test
    void usageErrorsExitWithTwoAndExplainOnStderr() {
        StringWriter err = new StringWriter();
        CommandLine cli = CompactorCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("local", "--bucket", bucket.toString(), "--compaction.window-size", "soon");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--compaction.window-size"), err.toString());
        assertTrue(err.toString().contains("compactor local --help"), err.toString());
    }

    @Test
    void helpListsEveryOptionWithDefaultAndDescription() {
        StringWriter out = new StringWriter();
        CommandLine cli = CompactorCli.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("local", "--help"));
        String help = out.toString();
        CompactorOptions.all().forEach(option -> assertTrue(help.contains("--" + option.key()), option.key()));
        assertTrue(help.matches("(?s).*--compaction\\.window-size\\s+1 h\\s+Length of a compaction window.*"), help);
        assertTrue(help.matches("(?s).*--compaction\\.merge-memory\\s+128 mb\\s+Bound on.*"), help);
        assertFalse(help.contains("&quot;") || help.contains("&#"), help);
    }

    @Test
    void mergeSubcommandTakesTheEngineInEitherCase() {
        CommandLine cli = CompactorCli.commandLine();
        cli.parseArgs("merge", "--out", "o.parquet", "--engine", "reference", "a.parquet");
        MergeCommand merge = cli.getSubcommands().get("merge").getCommand();
        assertEquals(MergeSettings.Engine.REFERENCE, merge.settings().engine());
        cli = CompactorCli.commandLine();
        cli.parseArgs("merge", "--out", "o.parquet", "a.parquet");
        assertEquals(MergeSettings.Engine.FAST, ((MergeCommand) cli.getSubcommands().get("merge").getCommand())
                .settings().engine());
    }

    @Test
    void mergeAloneReadsAndAnswersAsTheWholeCommandLine() {
        String[][] cases = {{"merge", "--help"}, {"merge", "--out", "o.parquet"}, {"merge", "--bogus", "a.parquet"},
                {"merge", "--out", "o.parquet", "--threads", "3", "a.parquet"}};
        for (String[] args : cases) {
            StringWriter whole = new StringWriter();
            StringWriter alone = new StringWriter();
            CommandLine full = CompactorCli.commandLine();
            CommandLine lean = CompactorCli.mergeCommandLine();
            for (CommandLine c : List.of(full, lean)) {
                PrintWriter to = new PrintWriter(c == full ? whole : alone);
                c.setOut(to);
                c.setErr(to);
            }
            assertEquals(full.execute(args), lean.execute(args), String.join(" ", args));
            assertEquals(whole.toString(), alone.toString(), String.join(" ", args));
        }
    }

    @Test
    void mergeSubcommandChecksItsSizesAndNeedsAnOutputAndInputs() {
        CommandLine cli = CompactorCli.commandLine();
        cli.parseArgs("merge", "--out", "o.parquet", "--sort-column", "ts", "--target-file-size", "64 mb", "a.parquet",
                "b.parquet");
        MergeCommand merge = cli.getSubcommands().get("merge").getCommand();
        assertEquals(64L << 20, merge.settings().targetFileSizeBytes());
        assertEquals("ts", merge.settings().sortColumn());
        assertEquals("ZSTD", merge.settings().compression());
        assertEquals(2, merge.inputs.size());
        assertEquals(2, merge.settings().threads());
        CommandLine one = CompactorCli.commandLine();
        one.parseArgs("merge", "--out", "o.parquet", "--threads", "1", "--compression-level", "1", "a.parquet");
        assertEquals(1, one.getSubcommands().get("merge").<MergeCommand>getCommand().settings().threads());
        assertEquals(1, one.getSubcommands().get("merge").<MergeCommand>getCommand().settings().compressionLevel());
        assertEquals(3, merge.settings().compressionLevel());

        assertThrows(MissingParameterException.class, () -> CompactorCli.commandLine().parseArgs("merge", "a.parquet"));
        assertThrows(MissingParameterException.class,
                () -> CompactorCli.commandLine().parseArgs("merge", "--out", "o.parquet"));
        StringWriter err = new StringWriter();
        CommandLine bad = CompactorCli.commandLine();
        bad.setErr(new PrintWriter(err));
        assertEquals(2, bad.execute("merge", "--out", "o.parquet", "--target-file-size", "lots", "a.parquet"));
        assertTrue(err.toString().contains("lots"), err.toString());
        assertEquals(2, bad.execute("merge", "--out", "o.parquet", "--threads", "3", "a.parquet"));
        assertTrue(err.toString().contains("merge threads must be 1 (compress on the merge's thread) or 2"),
                err.toString());
        assertEquals(2, bad.execute("merge", "--out", "o.parquet", "--compression-level", "23", "a.parquet"));
        assertTrue(err.toString().contains("compression level must be 1 (fastest) to 22 (smallest), was 23"),
                err.toString());
    }
}
