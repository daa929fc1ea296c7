package dev.compactor.table;

import dev.compactor.merge.StagedWindow;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a table snapshot names the window generation it added, and how a replayed commit finds it: the way Iceberg's
 * Flink sink keeps {@code flink.max-committed-checkpoint-id}, but per generation, since each generation is committed
 * once and on its own.
 */
final class WindowSnapshots {

    static final String NAMESPACE = "compactor.namespace";
    static final String WINDOW = "compactor.window";
    static final String WINDOW_UTC = "compactor.window-utc";
    static final String GENERATION = "compactor.generation";
    static final String ATTEMPT = "compactor.attempt";

    private WindowSnapshots() {}

    /** The summary properties of the snapshot that adds {@code window}'s outputs. */
    static Map<String, String> summary(StagedWindow window) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put(NAMESPACE, window.namespace);
        summary.put(WINDOW, Long.toString(window.windowStart));
        summary.put(WINDOW_UTC, Instant.ofEpochMilli(window.windowStart).toString());
        summary.put(GENERATION, Integer.toString(window.generation));
        summary.put(ATTEMPT, Integer.toString(window.attempt));
        return summary;
    }

    /**
     * The snapshot in the current table's history that added {@code window}'s generation (any attempt of it: all
     * attempts publish the same output names). Only the current branch's ancestors count: a snapshot rolled back is
     * no longer in the table.
     */
    static Optional<Snapshot> committed(Table table, StagedWindow window) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return Optional.empty();
        }
        for (Snapshot snapshot : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
            Map<String, String> summary = snapshot.summary();
            if (window.namespace.equals(summary.get(NAMESPACE))
                    && Long.toString(window.windowStart).equals(summary.get(WINDOW))
                    && Integer.toString(window.generation).equals(summary.get(GENERATION))) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }
}
