package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalRunner;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestoreCommandTest {

    @TempDir
    Path bucket;

    private static Configuration restoreConfiguration(String... args) {
        CommandLine cli = CompactorCli.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "restore";
        System.arraycopy(args, 0, all, 1, args.length);
        cli.parseArgs(all);
        RestoreCommand restore = cli.getSubcommands().get("restore").getCommand();
        return restore.configuration();
    }

    @Test
    void restoresTheNamedSavepointWithTheLocalDefaultsAndTheJobOptions() {
        Configuration conf = restoreConfiguration("--from", "/tmp/savepoints/sp-1", "--bucket", bucket.toString(),
                "--compaction.window-size", "5 min");

        assertEquals("/tmp/savepoints/sp-1", conf.get(StateRecoveryOptions.SAVEPOINT_PATH));
        assertFalse(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE));
        assertEquals(Duration.ofMinutes(5), conf.get(CompactorOptions.WINDOW_SIZE));
        assertEquals(bucket.resolve("_state/checkpoints").toUri().toString(),
                conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals(Optional.of("/tmp/savepoints/sp-1"), LocalRunner.of(conf).restorePath(),
                "the named savepoint wins over the newest checkpoint of the bucket");
    }

    @Test
    void allowsNonRestoredStateOnRequest() {
        Configuration conf = restoreConfiguration("--bucket", bucket.toString(), "--from", "sp",
                "--allow-non-restored-state");
        assertTrue(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE));
    }

    @Test
    void needsTheSavepointAndTheBucket() {
        MissingParameterException noFrom = assertThrows(MissingParameterException.class,
                () -> restoreConfiguration("--bucket", bucket.toString()));
        assertTrue(noFrom.getMessage().contains("--from"), noFrom.getMessage());
        MissingParameterException noBucket = assertThrows(MissingParameterException.class,
                () -> restoreConfiguration("--from", "sp"));
        assertTrue(noBucket.getMessage().contains("--bucket"), noBucket.getMessage());
    }

    @Test
    void aBadJobOptionIsAUsageErrorOfRestore() {
        StringWriter err = new StringWriter();
        CommandLine cli = CompactorCli.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("restore", "--from", "sp", "--bucket", bucket.toString(),
                "--compaction.window-size", "soon"));
        assertTrue(err.toString().contains("compactor restore --help"), err.toString());
    }
}
