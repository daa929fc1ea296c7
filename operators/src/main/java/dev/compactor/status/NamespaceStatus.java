package dev.compactor.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The runbook's namespace status ({@code GET /compaction/status}), field for field, plus our additions:
 * {@code failedWindows}, {@code quarantinedFiles}, {@code lastCompactionTime} and {@code lastCommand} (the newest
 * control command applied), {@code retainedSourceBytes} (committed sources kept for un-compaction) and
 * {@code heldWindows} (keys of un-compacted windows waiting for a trigger).
 *
 * <p>A sharded namespace publishes one snapshot per shard ({@code namespace#windowStart}); its status is their
 * union: windows and writers of every shard, the worst backpressure of any shard (each shard counts its own windows
 * in flight), the newest commit and command.
 */
public record NamespaceStatus(String namespace, int priority, long effectiveMaxWaitTimeMs, String backpressure,
                              int activeWindows, QueueMetrics queueMetrics, Health health, List<String> knownWriters,
                              List<String> activeWriters, long oldestWindowAge, long totalPendingFiles,
                              int windowsStuckInProcessing, int failedWindows, long quarantinedFiles,
                              String lastCompactionTime,
                              String lastCommand, List<WindowStatus> windows, long retainedSourceBytes,
                              List<String> heldWindows) {

    public NamespaceStatus(String namespace, int priority, long effectiveMaxWaitTimeMs, String backpressure,
                           int activeWindows, QueueMetrics queueMetrics, Health health, List<String> knownWriters,
                           List<String> activeWriters, long oldestWindowAge, long totalPendingFiles,
                           int windowsStuckInProcessing, int failedWindows, long quarantinedFiles,
                           String lastCompactionTime, String lastCommand, List<WindowStatus> windows) {
        this(namespace, priority, effectiveMaxWaitTimeMs, backpressure, activeWindows, queueMetrics, health,
                knownWriters, activeWriters, oldestWindowAge, totalPendingFiles, windowsStuckInProcessing,
                failedWindows, quarantinedFiles, lastCompactionTime, lastCommand, windows, 0, List.of());
    }

    private static final List<String> BACKPRESSURE_ORDER = List.of("none", "normal", "severe");

    /** The status at wall-clock time {@code now} of a namespace published as {@code shards} (at least one). */
    public static NamespaceStatus of(List<NamespaceSnapshot> shards, long now, HealthRule rule) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a namespace status needs at least one snapshot");
        }
        NamespaceSnapshot first = shards.get(0);
        TreeSet<String> known = new TreeSet<>();
        TreeSet<String> active = new TreeSet<>();
        List<WindowSnapshot> windows = new ArrayList<>();
        String backpressure = "none";
        long lastCompaction = 0;
        long quarantined = 0;
        String lastCommand = null;
        long retained = 0;
        TreeSet<Long> held = new TreeSet<>();
        for (NamespaceSnapshot shard : shards) {
            retained += shard.retainedSourceBytes();
            held.addAll(shard.heldWindows());
            known.addAll(shard.knownWriters());
            active.addAll(shard.activeWriters());
            windows.addAll(shard.windows());
            if (BACKPRESSURE_ORDER.indexOf(shard.backpressure()) > BACKPRESSURE_ORDER.indexOf(backpressure)) {
                backpressure = shard.backpressure();
            }
            lastCompaction = Math.max(lastCompaction, shard.lastCompactionTime());
            quarantined += shard.quarantinedFiles();
            if (shard.lastCommand() != null && (lastCommand == null || shard.lastCommand().compareTo(lastCommand) > 0)) {
                lastCommand = shard.lastCommand();
            }
        }
        windows.sort(Comparator.comparingLong(WindowSnapshot::windowStart).thenComparingInt(WindowSnapshot::generation));

        int pending = 0;
        int processing = 0;
        int dispatched = 0;
        int failed = 0;
        int stuck = 0;
        long pendingFiles = 0;
        long oldestStart = Long.MAX_VALUE;
        for (WindowSnapshot w : windows) {
            switch (w.state()) {
                case "pending" -> pending++;
                case "processing" -> processing++;
                case "dispatched" -> dispatched++;
                default -> failed++;
            }
            if (w.isStuck(now, first.processingTimeoutMs())) {
                stuck++;
            }
            if (w.isActive()) {
                pendingFiles += w.fileCount();
                oldestStart = Math.min(oldestStart, w.windowStart());
            }
        }
        int activeWindows = pending + processing + dispatched;
        long oldestAge = oldestStart == Long.MAX_VALUE ? 0 : Math.max(0, now - oldestStart);
        Health health = rule.evaluate(stuck, oldestAge, activeWindows, pendingFiles, failed);
        return new NamespaceStatus(first.namespace(), first.priority(), first.effectiveMaxWaitTimeMs(), backpressure,
                activeWindows, new QueueMetrics(pending, processing, dispatched), health, List.copyOf(known),
                List.copyOf(active), oldestAge, pendingFiles, stuck, failed, quarantined,
                lastCompaction == 0 ? null : Instant.ofEpochMilli(lastCompaction).toString(), lastCommand,
                windows.stream().map(WindowStatus::of).toList(), retained,
                held.stream().map(String::valueOf).toList());
    }
}
