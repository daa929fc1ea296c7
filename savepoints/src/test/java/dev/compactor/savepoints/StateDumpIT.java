package dev.compactor.savepoints;

import dev.compactor.events.BucketEvent;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.CompactorPipeline;
import dev.compactor.savepoints.cli.SavepointSubcommands;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A savepoint of the real job with two pending windows, read back with the State Processor API. */
class StateDumpIT {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final AtomicInteger FILES_SEEN = new AtomicInteger();

    @TempDir
    Path bucket;

    @TempDir
    Path savepoints;

    /** Pending files never reach the merge here, so their content does not matter, only their names. */
    private void source(String namespace, long second, String writer, int seq) throws Exception {
        Path file = bucket.resolve("data/" + namespace + "/" + second + "-" + writer + "-" + seq + ".parquet");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1, 2, 3});
    }

    @Test
    void dumpsTheWindowsFilesAndWritersOfEveryNamespace() throws Exception {
        long window = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        source("users", window + 1, "w1", 1);
        source("users", window + 2, "w2", 1);
        source("users", window + 3, "w1", 2);
        source("orders", window + 4, "w3", 7);
        FILES_SEEN.set(0);

        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MIN_FILES, 10);
        conf.set(CompactorOptions.FORCE_AFTER, Duration.ofHours(1));
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        Configuration envConf = new Configuration();
        envConf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(1);
        CompactorPipeline.build(env, conf).events()
                .filter(e -> e.type == BucketEvent.Type.FILE_ADDED)
                .addSink(new CountFiles());
        JobClient job = env.executeAsync("state-dump-it");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (FILES_SEEN.get() < 4) {
            assertTrue(Instant.now().isBefore(deadline), "the job did not see the files");
            Thread.sleep(100);
        }
        String savepoint = stopWithSavepoint(job, deadline);

        List<JsonNode> keys = StateDump.read(savepoint, null);
        assertEquals(List.of("orders", "users"), keys.stream().map(k -> k.get("key").asText()).toList());
        JsonNode users = keys.get(1);
        long windowStartMs = window * 1000;
        JsonNode record = users.get("windows").get(windowStartMs + "-g0");
        assertEquals(3, record.get("fileCount").asInt());
        assertEquals("PENDING", record.get("state").asText());
        assertEquals(0, users.get("generations").get(String.valueOf(windowStartMs)).asInt());
        assertEquals(3, users.get("files").size());
        assertEquals("w2", users.get("files").get("data/users/" + (window + 2) + "-w2-1.parquet").get("writerId")
                .asText());
        assertEquals("[\"w1\",\"w2\"]", users.get("windowWriters").get(windowStartMs + "-g0").toString());
        assertEquals((window + 3) * 1000, users.get("writers").get("w1").asLong());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new CommandLine(new SavepointSubcommands().commands().get(0))
                .setOut(new PrintWriter(out, true))
                .execute("dump", "--savepoint", savepoint, "--namespace", "orders");
        assertEquals(0, exit);
        String printed = out.toString();
        assertTrue(printed.contains("\"key\" : \"orders\"") && !printed.contains("\"key\" : \"users\""), printed);
        assertTrue(printed.contains("-w3-7.parquet"), printed);
    }

    /** The tracker's task may still be starting (RocksDB) after the source emitted: a savepoint waits for it. */
    private String stopWithSavepoint(JobClient job, Instant deadline) throws Exception {
        while (true) {
            try {
                return job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
            } catch (ExecutionException notAllTasksRunning) {
                assertTrue(Instant.now().isBefore(deadline), () -> "no savepoint: " + notAllTasksRunning);
                Thread.sleep(200);
            }
        }
    }

    private static final class CountFiles implements SinkFunction<BucketEvent> {
        @Override
        public void invoke(BucketEvent e, Context context) {
            FILES_SEEN.incrementAndGet();
        }
    }
}
