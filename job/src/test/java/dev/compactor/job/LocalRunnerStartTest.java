package dev.compactor.job;

import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts a stand-in pipeline the way LocalRunner starts the real one, to check the local environment it builds. */
class LocalRunnerStartTest {

    private static final CountDownLatch CHECKPOINT_COMPLETED = new CountDownLatch(1);

    @TempDir
    Path tmp;

    @Test
    void cancelledRunKeepsItsIncrementalRocksDbCheckpoints() throws Exception {
        Path bucket = tmp.resolve("bucket");
        Configuration user = new Configuration();
        user.set(CompactorOptions.BUCKET, bucket.toUri().toString());
        user.set(RestOptions.PORT, 0); // a fixed port would collide with a running demo
        user.setString("execution.checkpointing.interval", "200 ms");
        user.setString("parallelism.default", "1");
        user.set(QueryableStateOptions.PROXY_PORT_RANGE, "9069-9169");
        user.set(QueryableStateOptions.SERVER_PORT_RANGE, "9170-9270");
        // tiny state would otherwise be inlined into _metadata, hiding where RocksDB puts its files
        user.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, MemorySize.ZERO);

        JobClient job = new LocalRunner(user, LocalRunnerStartTest::countingPipeline).start();
        assertTrue(CHECKPOINT_COMPLETED.await(2, TimeUnit.MINUTES), "no checkpoint completed");
        job.cancel().get();
        assertThrows(ExecutionException.class, () -> job.getJobExecutionResult().get());

        Path jobCheckpoints = bucket.resolve("_state/checkpoints").resolve(job.getJobID().toHexString());
        try (Stream<Path> files = Files.walk(jobCheckpoints)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("_metadata")
                    && p.getParent().getFileName().toString().startsWith("chk-")), "no retained checkpoint");
        }
        // RocksDB incremental checkpoints keep their SST files in shared/
        try (Stream<Path> shared = Files.list(jobCheckpoints.resolve("shared"))) {
            assertTrue(shared.findAny().isPresent(), "no incremental RocksDB files in shared/");
        }
        assertEquals(true, Files.isDirectory(bucket));
    }

    private static void countingPipeline(StreamExecutionEnvironment env, Configuration conf) {
        env.fromSequence(0, Long.MAX_VALUE)
                .keyBy(v -> v % 16)
                .process(new CountPerKey())
                .addSink(new DiscardingSink<>());
    }

    private static final class CountPerKey extends KeyedProcessFunction<Long, Long, Long> implements CheckpointListener {
        private transient ValueState<Long> count;

        @Override
        public void open(Configuration parameters) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
            long next = count.value() == null ? 1 : count.value() + 1;
            count.update(next);
            out.collect(next);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINT_COMPLETED.countDown();
        }
    }
}
