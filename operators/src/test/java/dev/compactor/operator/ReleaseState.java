package dev.compactor.operator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.compactor.merge.StagedWindow;
import dev.compactor.window.FileRecord;
import dev.compactor.window.WindowRecord;
import dev.compactor.window.WindowState;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a release's savepoint holds, as {@link SavepointCompatibilityTest} checks it: every keyed state the job
 * declares today (found by reflection, so a renamed or retyped state cannot slip past), the serializer of the
 * trackers' key, the commit sink's committable, and a representative value of each. {@link ReleaseStateWriter}
 * stores them under {@link #DIR}; the test reads them back with this build's serializers.
 */
final class ReleaseState {

    /** The release whose state is stored; the writer replaces it on a deliberate release. */
    static final String RELEASE = "0.1.0";
    static final String DIR = "savepoint-compat/" + RELEASE;
    /** Where the writer puts the files, relative to the operators module (the directory Maven runs tests in). */
    static final Path SOURCE_DIR = Path.of("src/test/resources", DIR);
    /** Pseudo-state name of the key serializer of WindowTracker and StatusSummary (both key by a String). */
    static final String KEY = "_key";
    static final String COMMITTABLE = "committable-v";

    /**
     * Compares values through their public fields only, the way Flink's POJO serializer sees them (getters such
     * as {@code isInFlight()} are not state).
     */
    static final ObjectMapper FIELDS = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ReleaseState() {}

    /** state name → this build's serializer of it, as the state backend would build it. */
    static Map<String, TypeSerializer<?>> currentSerializers() throws ReflectiveOperationException {
        Map<String, TypeSerializer<?>> serializers = new LinkedHashMap<>();
        serializers.put(KEY, StringSerializer.INSTANCE);
        for (Method method : TrackerState.class.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) && Modifier.isPublic(method.getModifiers())
                    && StateDescriptor.class.isAssignableFrom(method.getReturnType())) {
                // status(queryableName) is the one descriptor with a parameter; the name only makes it queryable
                Object[] args = method.getParameterCount() == 0 ? new Object[0] : new Object[] {"status"};
                add(serializers, (StateDescriptor<?, ?>) method.invoke(null, args));
            }
        }
        add(serializers, StatusSummary.descriptor());
        return serializers;
    }

    private static void add(Map<String, TypeSerializer<?>> serializers, StateDescriptor<?, ?> descriptor) {
        descriptor.initializeSerializerUnlessSet(new ExecutionConfig());
        if (serializers.put(descriptor.getName(), descriptor.getSerializer()) != null) {
            throw new IllegalStateException("two states named " + descriptor.getName());
        }
    }

    /** state name → a representative value: nulls, every window state, several entries per map. */
    static Map<String, Object> samples() {
        long start = 1_735_725_600_000L;
        long hour = 3_600_000L;

        WindowRecord pending = WindowRecord.open("orders", start, start + hour, 0);
        pending.fileCount = 2;
        pending.totalSize = 4_096;
        pending.lastArrival = start + 1_000;
        WindowRecord processing = WindowRecord.open("orders", start - hour, start, 1);
        processing.state = WindowState.PROCESSING;
        processing.frozen = true;
        processing.fileCount = 12;
        processing.totalSize = 1L << 33;
        processing.lastArrival = start - 5;
        processing.attempts = 2;
        processing.failedAttempts = 1;
        processing.startedAt = start + 120_000;
        processing.progressAt = start + 180_000;
        processing.notBefore = start + 90_000;
        processing.lastError = "merge timed out";
        WindowRecord dispatched = WindowRecord.open("orders", start - 2 * hour, start - hour, 0);
        dispatched.state = WindowState.DISPATCHED;
        dispatched.frozen = true;
        dispatched.fileCount = 10;
        dispatched.attempts = 1;
        dispatched.stagedAt = start + 60_000;
        WindowRecord failed = WindowRecord.open("orders", start - 3 * hour, start - 2 * hour, 4);
        failed.state = WindowState.FAILED;
        failed.frozen = true;
        failed.attempts = 5;
        failed.failedAttempts = 5;
        failed.lastError = "corrupt footer";

        Map<String, WindowRecord> windows = new LinkedHashMap<>();
        for (WindowRecord r : new WindowRecord[] {pending, processing, dispatched, failed}) {
            windows.put(TrackerState.windowKey(r.windowStart, r.generation), r);
        }
        Map<String, FileRecord> files = new LinkedHashMap<>();
        files.put("data/orders/1735725601-w1-0.parquet",
                new FileRecord(start, 0, 2_048, "\"9b2cf535f27731c974343645a3985328\"", "w1", 0, start + 1_000));
        files.put("data/orders/1735725602-w2-7.parquet", new FileRecord(start, 0, 2_048, null, "w2", 7, start + 2_000));

        Map<String, Object> samples = new LinkedHashMap<>();
        samples.put(KEY, "orders#" + start);
        samples.put("windows", windows);
        samples.put("latest-generation", sorted(Map.of(start, 0, start - hour, 1, start - 3 * hour, 4)));
        samples.put("files", files);
        samples.put("window-writers", sorted(Map.of(TrackerState.windowKey(start, 0) + "/w1", true,
                TrackerState.windowKey(start, 0) + "/w2", true)));
        samples.put("writers", sorted(Map.of("w1", start + 1_000, "w2", start + 2_000)));
        samples.put("namespace", "orders");
        samples.put("priority-override", 0);
        samples.put("last-compaction", start - 30_000);
        samples.put("last-command", "{\"type\":\"priority\",\"id\":\"c-1\",\"priority\":0}");
        samples.put("quarantined", Map.of("data/orders/1735725603-w3-1.parquet", true));
        samples.put("quarantined-count", 1L);
        samples.put("status", "{\"namespace\":\"orders\",\"pendingWindows\":1}");
        samples.put("snapshots", Map.of("orders", "{\"namespace\":\"orders\"}"));
        return samples;
    }

    /** Map.of iterates in an order that changes from one JVM to the next; stored bytes should not. */
    private static <K, V> Map<K, V> sorted(Map<K, V> map) {
        return new TreeMap<>(map);
    }

    /** A committable as the commit sink checkpoints it between staging and the commit. */
    static StagedWindow committable() {
        StagedWindow window = new StagedWindow();
        window.namespace = "orders";
        window.windowStart = 1_735_725_600_000L;
        window.windowEnd = 1_735_729_200_000L;
        window.generation = 3;
        window.attempt = 2;
        window.parts.add(new StagedWindow.Part("_staging/orders/1735725600000-g3-a2/p0.parquet",
                "data/orders/year=2025/month=01/day=01/hour=10/compacted-1735725600000-g3-p0.parquet", 42, 4096,
                "ff00"));
        window.inputs.add(new StagedWindow.Input("data/orders/1735725600-w1-0.parquet", 2048, 42));
        window.quarantined.add(new StagedWindow.Quarantined("data/orders/1735725601-w1-1.parquet", 12,
                "bad footer"));
        window.missing.add("data/orders/1735725602-w1-2.parquet");
        return window;
    }
}
