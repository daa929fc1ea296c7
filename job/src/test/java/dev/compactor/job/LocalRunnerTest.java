package dev.compactor.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalRunnerTest {

    @TempDir
    Path tmp;

    private static Configuration withBucket(String bucket) {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket);
        return conf;
    }

    @Test
    void localDefaultsFillTheGaps() {
        Path bucket = tmp.resolve("bucket");
        Configuration conf = LocalRunner.localConfiguration(withBucket(bucket.toString()));

        assertEquals(bucket.toString(), conf.get(CompactorOptions.BUCKET));
        assertEquals(8081, conf.get(RestOptions.PORT));
        assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND));
        assertEquals(true, conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        assertEquals(bucket.resolve("_state/checkpoints").toUri().toString(),
                conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertTrue(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file:/"));
        assertEquals(Duration.ofSeconds(10), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
                conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION));
        assertEquals("exponential-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(5, conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
        assertEquals(true, conf.get(QueryableStateOptions.ENABLE_QUERYABLE_STATE_PROXY_SERVER));
        assertEquals(false, Files.exists(bucket), "building the configuration must not create the bucket");
    }

    @Test
    void userSettingsWin() {
        Configuration user = withBucket(tmp.toString());
        user.setString("rest.port", "9091");
        user.setString("execution.checkpointing.interval", "1 min");
        user.setString("local.state-dir", tmp.resolve("elsewhere").toString());
        user.setString("restart-strategy.type", "fixed-delay");
        // the deprecated key from older docs still counts as set
        user.setString("state.backend.incremental", "false");

        Configuration conf = LocalRunner.localConfiguration(user);

        assertEquals(9091, conf.get(RestOptions.PORT));
        assertEquals(Duration.ofMinutes(1), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(tmp.resolve("elsewhere/checkpoints").toUri().toString(),
                conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals("fixed-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(false, conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        assertEquals("http://localhost:9091/", LocalRunner.of(user).dashboardUrl());
    }

    @Test
    void aNewRunResumesFromTheNewestRetainedCheckpointUnlessToldOtherwise() throws IOException {
        Path bucket = tmp.resolve("bucket");
        assertTrue(LocalRunner.of(withBucket(bucket.toString())).restorePath().isEmpty(), "nothing to resume");

        Path chk = Files.createDirectories(bucket.resolve("_state/checkpoints/0123abcd/chk-12"));
        Files.writeString(chk.resolve("_metadata"), "metadata");
        assertEquals(chk.toString(), LocalRunner.of(withBucket(bucket.toString())).restorePath().orElseThrow());

        Configuration fresh = withBucket(bucket.toString());
        fresh.set(CompactorOptions.RESUME, false);
        assertTrue(LocalRunner.of(fresh).restorePath().isEmpty(), "--fresh ignores retained checkpoints");

        Configuration named = withBucket(bucket.toString());
        named.setString("execution.state-recovery.path", "/backups/savepoint-1");
        assertEquals("/backups/savepoint-1", LocalRunner.of(named).restorePath().orElseThrow(),
                "a savepoint the user names wins");
    }

    @Test
    void bucketMayBeAFileUriOrARelativePath() {
        Configuration fromUri = LocalRunner.localConfiguration(withBucket(tmp.toUri().toString()));
        assertEquals(tmp.toString(), fromUri.get(CompactorOptions.BUCKET));

        Configuration relative = LocalRunner.localConfiguration(withBucket("some/../bucket"));
        assertEquals(Path.of("bucket").toAbsolutePath().toString(), relative.get(CompactorOptions.BUCKET));
    }

    @Test
    void badBucketsAreClearErrors() {
        InvalidOptionException remote = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(withBucket("gs://my-bucket/data")));
        assertTrue(remote.getMessage().contains("scheme 'gs'"), remote.getMessage());

        InvalidOptionException noName = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(withBucket("s3:///data")));
        assertTrue(noName.getMessage().contains("no bucket name"), noName.getMessage());

        InvalidOptionException missing = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(new Configuration()));
        assertTrue(missing.getMessage().contains("--bucket"), missing.getMessage());

        InvalidOptionException withHost = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(withBucket("file://host/dir")));
        assertTrue(withHost.getMessage().contains("file:///absolute/dir"), withHost.getMessage());
    }

    @Test
    void anS3BucketKeepsItsUriAndCheckpointsUnderTheWorkingDirectory() {
        Configuration conf = LocalRunner.localConfiguration(withBucket("s3://lake/raw/events"));
        assertEquals("s3://lake/raw/events", conf.get(CompactorOptions.BUCKET));
        assertEquals(Path.of(".compactor-state", "lake", "raw", "events").toAbsolutePath(),
                Path.of(conf.get(CompactorOptions.STATE_DIR)));
        assertEquals("raw/events/", BucketLocation.s3Settings(conf).prefix());
        assertEquals("", BucketLocation.s3Settings(withBucket("s3://lake")).prefix());
    }

    @Test
    void kinesisEventsNeedAValidStreamArnAndPosition() {
        Configuration user = withBucket("s3://lake");
        user.setString(CompactorOptions.EVENTS_SOURCE.key(), "kinesis");
        InvalidOptionException missing = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(user));
        assertTrue(missing.getMessage().contains("--events.kinesis.stream-arn is missing"), missing.getMessage());

        user.setString(CompactorOptions.KINESIS_STREAM_ARN.key(), "events");
        InvalidOptionException bad = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(user));
        assertTrue(bad.getMessage().contains("expected arn:aws:kinesis:"), bad.getMessage());

        user.setString(CompactorOptions.KINESIS_STREAM_ARN.key(), "arn:aws:kinesis:eu-west-1:123456789012:stream/e");
        user.setString(CompactorOptions.KINESIS_INITIAL_POSITION.key(), "yesterday");
        InvalidOptionException position = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(user));
        assertTrue(position.getMessage().contains("TRIM_HORIZON or LATEST"), position.getMessage());

        user.setString(CompactorOptions.KINESIS_INITIAL_POSITION.key(), "latest");
        LocalRunner.localConfiguration(user);

        user.setString(CompactorOptions.EVENTS_SOURCE.key(), "sqs");
        InvalidOptionException source = assertThrows(InvalidOptionException.class,
                () -> LocalRunner.localConfiguration(user));
        assertTrue(source.getMessage().contains("bucket-watch, kinesis"), source.getMessage());
    }

    @Test
    void badValuesNameTheKey() {
        Configuration user = withBucket(tmp.toString());
        user.setString("compaction.merge-memory", "lots");
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> LocalRunner.localConfiguration(user));
        assertTrue(e.getMessage().startsWith("invalid value 'lots' for --compaction.merge-memory"), e.getMessage());
    }

    @Test
    void prepareCreatesTheBucketAndRefusesAFile() throws IOException {
        Path nested = tmp.resolve("a/b/bucket");
        assertEquals(nested, LocalDirectory.prepare("bucket", nested));
        assertTrue(Files.isDirectory(nested));

        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> LocalDirectory.prepare("bucket", file));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }
}
