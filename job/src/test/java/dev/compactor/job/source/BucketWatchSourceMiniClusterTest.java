package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStoreFactory;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketWatchSourceMiniClusterTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final String FIRST = "data/users/1714564800-w1-0.parquet";
    private static final String SECOND = "data/users/1714564801-w2-0.parquet";
    private static final String THIRD = "data/users/1714564802-w1-1.parquet";
    private static final String MANIFEST = "_manifests/users/1714561200000-g0.json";

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    @Timeout(120)
    void emitsExistingObjectsThenLaterCreationsAndDeletions(int parallelism, @TempDir Path bucket) throws Exception {
        LocalObjectStore store = new LocalObjectStore(bucket);
        store.write(SECOND, new byte[20]);
        store.write(FIRST, new byte[10]);
        store.write(MANIFEST, new byte[5]);
        store.write("elsewhere/not-watched.txt", new byte[1]);
        String root = bucket.toString();
        ObjectStoreFactory factory = () -> new LocalObjectStore(Path.of(root));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        BucketWatchSource source = new BucketWatchSource(factory, List.of("data/", "_manifests/"), Duration.ofMillis(50));

        try (CloseableIterator<ObjectEvent> events = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "bucket-watch")
                .executeAndCollect("bucket watch test")) {

            assertEquals(List.of(createdNow(store, MANIFEST), createdNow(store, FIRST), createdNow(store, SECOND)),
                    take(events, 3), "existing objects, in key order");

            store.write(THIRD, new byte[30]);
            ObjectEvent thirdCreated = createdNow(store, THIRD);
            store.delete(FIRST);

            List<ObjectEvent> changes = take(events, 2);
            assertEquals(thirdCreated, changes.get(0));
            assertEquals(ObjectEvent.Action.DELETED, changes.get(1).action);
            assertEquals(FIRST, changes.get(1).key);
            assertTrue(changes.get(1).eventTimeMillis > 0, "a deletion is stamped with the time it was observed");
        }
    }

    private static ObjectEvent createdNow(LocalObjectStore store, String key) throws IOException {
        ObjectInfo info = store.head(key).orElseThrow();
        return new ObjectEvent(ObjectEvent.Action.CREATED, BucketListingDiff.NEW, key, info.size(), info.eTag(),
                info.lastModifiedMillis());
    }

    /** Blocks until {@code n} more events arrived; the test's timeout bounds the wait. */
    private static List<ObjectEvent> take(CloseableIterator<ObjectEvent> events, int n) {
        List<ObjectEvent> taken = new ArrayList<>(n);
        while (taken.size() < n) {
            assertTrue(events.hasNext(), "the source ended, but it is unbounded");
            taken.add(events.next());
        }
        return taken;
    }
}
