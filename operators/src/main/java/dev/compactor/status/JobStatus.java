package dev.compactor.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every tracker key's snapshot, grouped by namespace: what the status and health endpoints answer from. */
public final class JobStatus {

    private final Map<String, List<NamespaceSnapshot>> byNamespace = new TreeMap<>();

    private JobStatus() {}

    /** @param snapshotsByTrackerKey tracker key → snapshot JSON, as {@code StatusSummary} keeps them */
    public static JobStatus fromJson(Map<String, String> snapshotsByTrackerKey) {
        JobStatus status = new JobStatus();
        for (String json : snapshotsByTrackerKey.values()) {
            NamespaceSnapshot snapshot = StatusJson.readSnapshot(json);
            status.byNamespace.computeIfAbsent(snapshot.namespace(), ns -> new ArrayList<>()).add(snapshot);
        }
        return status;
    }

    public Optional<NamespaceStatus> namespace(String namespace, long now, HealthRule rule) {
        List<NamespaceSnapshot> shards = byNamespace.get(namespace);
        return shards == null ? Optional.empty() : Optional.of(NamespaceStatus.of(shards, now, rule));
    }

    /** True when the namespace is tracked per window ({@code namespace#windowStart} keys). */
    public boolean isSharded(String namespace) {
        return byNamespace.getOrDefault(namespace, List.of()).stream()
                .anyMatch(s -> !s.trackerKey().equals(s.namespace()));
    }

    public HealthReport health(long now, HealthRule rule) {
        List<NamespaceStatus> statuses = new ArrayList<>();
        for (List<NamespaceSnapshot> shards : byNamespace.values()) {
            statuses.add(NamespaceStatus.of(shards, now, rule));
        }
        return HealthReport.of(statuses);
    }
}
