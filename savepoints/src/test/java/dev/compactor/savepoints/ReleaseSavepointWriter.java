package dev.compactor.savepoints;

import dev.compactor.events.BucketEvent;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.CompactorPipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Stores a savepoint of the real job for {@link ReleaseSavepointTest}: two namespaces with pending windows, stopped
 * with a canonical savepoint (the hashmap backend keeps state this small inside {@code _metadata}), and the state
 * dump of it as this release prints it. Run it only when cutting a release whose savepoint becomes the baseline:
 *
 * <pre>
 * mvn -B -pl savepoints -am test -Dtest=ReleaseSavepointWriter -Dsurefire.failIfNoSpecifiedTests=false -Dcompat.write=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "compat.write", matches = "true")
class ReleaseSavepointWriter {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final AtomicInteger FILES_SEEN = new AtomicInteger();

    @TempDir
    Path bucket;

    @TempDir
    Path savepoints;

    @Test
    void writeReleaseSavepoint() throws Exception {
        long window = (Instant.now().getEpochSecond() / 60 - 12) * 60;
        source("users", window + 1, "w1", 1);
        source("users", window + 2, "w2", 1);
        source("orders", window + 4, "w3", 7);
        FILES_SEEN.set(0);

        Configuration conf = new Configuration();
        conf.set(CompactorOptions.BUCKET, bucket.toString());
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.MIN_FILES, 10);
        conf.set(CompactorOptions.FORCE_AFTER, Duration.ofHours(1));
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofMillis(200));
        Configuration envConf = new Configuration();
        envConf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(1);
        CompactorPipeline.build(env, conf).events()
                .filter(e -> e.type == BucketEvent.Type.FILE_ADDED)
                .addSink(new CountFiles());
        JobClient job = env.executeAsync("release-savepoint");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (FILES_SEEN.get() < 3) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the job did not see the files");
            }
            Thread.sleep(100);
        }
        Path savepoint = Path.of(URI.create(stopWithSavepoint(job, deadline)));

        Path dir = ReleaseSavepointTest.SOURCE_DIR;
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        try (Stream<Path> files = Files.list(savepoint)) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve(ReleaseSavepointTest.DUMP).toFile(), StateDump.read(savepoint.toString(), null));
    }

    private void source(String namespace, long second, String writer, int seq) throws Exception {
        Path file = bucket.resolve("data/" + namespace + "/" + second + "-" + writer + "-" + seq + ".parquet");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1, 2, 3});
    }

    /** The tracker's task may still be starting after the source emitted: a savepoint waits for it. */
    private String stopWithSavepoint(JobClient job, Instant deadline) throws Exception {
        while (true) {
            try {
                return job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
            } catch (ExecutionException notAllTasksRunning) {
                if (Instant.now().isAfter(deadline)) {
                    throw notAllTasksRunning;
                }
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
