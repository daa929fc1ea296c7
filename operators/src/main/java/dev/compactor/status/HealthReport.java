package dev.compactor.status;

import java.util.List;

/**
 * The job-wide health ({@code GET /compaction/health}): the worst namespace's level, and every namespace's verdict.
 * An empty job (no namespace tracked) is healthy.
 */
public record HealthReport(HealthLevel status, List<NamespaceHealth> namespaces) {

    public record NamespaceHealth(String namespace, HealthLevel status, List<String> issues) {}

    public static HealthReport of(List<NamespaceStatus> statuses) {
        HealthLevel worst = HealthLevel.HEALTHY;
        List<NamespaceHealth> namespaces = statuses.stream()
                .map(s -> new NamespaceHealth(s.namespace(), s.health().status(), s.health().issues()))
                .toList();
        for (NamespaceHealth n : namespaces) {
            worst = worst.worse(n.status());
        }
        return new HealthReport(worst, namespaces);
    }
}
