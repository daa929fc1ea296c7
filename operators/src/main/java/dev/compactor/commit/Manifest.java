package dev.compactor.commit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.compactor.merge.StagedWindow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The commit record of one window generation, written under {@code _manifests/{ns}/{ws}-g{gen}.json}. Its
 * existence is the commit: outputs it lists are complete, and the inputs it lists may be deleted.
 * Times appear both as epoch milliseconds (for tools) and as ISO-8601 UTC (for people).
 *
 * <p>Added later, absent from older manifests: {@code overrides} (the merge parameters an operator's retry set for
 * the window), {@code sourcesRetainedUntil} (the commit kept its sources under {@code _trash/} until then, so the
 * generation can be un-compacted) and {@code rolledBackAt} (the generation was un-compacted: its sources are back
 * under their keys, its outputs removed; it is no longer a commit, but its generation is still never reused).
 */
@JsonPropertyOrder({"formatVersion", "namespace", "windowStart", "windowEnd", "windowStartUtc", "windowEndUtc",
        "generation", "attempt", "committedAt", "totalInputRows", "totalOutputRows", "inputs", "outputs",
        "quarantined", "missing", "overrides", "sourcesRetainedUntil", "rolledBackAt"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int formatVersion,
        String namespace,
        long windowStart,
        long windowEnd,
        String windowStartUtc,
        String windowEndUtc,
        int generation,
        int attempt,
        String committedAt,
        long totalInputRows,
        long totalOutputRows,
        List<InputEntry> inputs,
        List<OutputEntry> outputs,
        List<QuarantinedEntry> quarantined,
        List<String> missing,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> overrides,
        String sourcesRetainedUntil,
        String rolledBackAt) {

    public static final int FORMAT_VERSION = 1;

    public Manifest {
        Objects.requireNonNull(namespace, "manifest namespace");
        Objects.requireNonNull(committedAt, "manifest committedAt");
        // Absent lists in a hand-edited or older manifest mean "none", not an error.
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        quarantined = quarantined == null ? List.of() : List.copyOf(quarantined);
        missing = missing == null ? List.of() : List.copyOf(missing);
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }

    /** A manifest without overrides, retention or rollback (as written before those existed). */
    public Manifest(int formatVersion, String namespace, long windowStart, long windowEnd, String windowStartUtc,
                    String windowEndUtc, int generation, int attempt, String committedAt, long totalInputRows,
                    long totalOutputRows, List<InputEntry> inputs, List<OutputEntry> outputs,
                    List<QuarantinedEntry> quarantined, List<String> missing) {
        this(formatVersion, namespace, windowStart, windowEnd, windowStartUtc, windowEndUtc, generation, attempt,
                committedAt, totalInputRows, totalOutputRows, inputs, outputs, quarantined, missing, Map.of(), null,
                null);
    }

    /** Whether an uncompact rolled this generation back: it commits nothing any more. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isRolledBack() {
        return rolledBackAt != null;
    }

    /** This manifest with the merge parameters of the attempt and the time its sources are kept until (or null). */
    public Manifest withRetry(Map<String, Object> overrides, Instant sourcesRetainedUntil) {
        return new Manifest(formatVersion, namespace, windowStart, windowEnd, windowStartUtc, windowEndUtc,
                generation, attempt, committedAt, totalInputRows, totalOutputRows, inputs, outputs, quarantined,
                missing, overrides, sourcesRetainedUntil == null ? null : sourcesRetainedUntil.toString(), rolledBackAt);
    }

    /** This manifest marked as rolled back by an uncompact at {@code at}. */
    public Manifest rolledBack(Instant at) {
        return new Manifest(formatVersion, namespace, windowStart, windowEnd, windowStartUtc, windowEndUtc,
                generation, attempt, committedAt, totalInputRows, totalOutputRows, inputs, outputs, quarantined,
                missing, overrides, sourcesRetainedUntil, at.toString());
    }

    /** The same commit at another time (to compare two writes of one commit). */
    Manifest committedAt(String time) {
        return new Manifest(formatVersion, namespace, windowStart, windowEnd, windowStartUtc, windowEndUtc,
                generation, attempt, time, totalInputRows, totalOutputRows, inputs, outputs, quarantined, missing,
                overrides, sourcesRetainedUntil, rolledBackAt);
    }

    /**
     * The manifest that records {@code window} as committed at {@code committedAt}; {@code inputETags} names the
     * version of each input that was merged (an input it lacks is recorded by its size only).
     */
    public static Manifest of(StagedWindow window, Map<String, String> inputETags, Instant committedAt) {
        List<InputEntry> inputs = window.inputs.stream()
                .map(i -> new InputEntry(i.key, i.size, i.rowCount, inputETags.get(i.key))).toList();
        List<OutputEntry> outputs = window.parts.stream()
                .map(p -> new OutputEntry(p.finalKey, p.rowCount, p.sizeBytes, p.sha256)).toList();
        List<QuarantinedEntry> quarantined = window.quarantined.stream()
                .map(q -> new QuarantinedEntry(q.key, q.size, q.reason)).toList();
        return new Manifest(
                FORMAT_VERSION,
                window.namespace,
                window.windowStart,
                window.windowEnd,
                Instant.ofEpochMilli(window.windowStart).toString(),
                Instant.ofEpochMilli(window.windowEnd).toString(),
                window.generation,
                window.attempt,
                committedAt.toString(),
                inputs.stream().mapToLong(InputEntry::rows).sum(),
                outputs.stream().mapToLong(OutputEntry::rows).sum(),
                inputs,
                outputs,
                quarantined,
                window.missing);
    }

    /**
     * A source file whose rows are in the outputs. Size and eTag name the version that was merged: only that version
     * is deleted, a key written again since stays. The eTag is null in manifests written before it was recorded.
     */
    @JsonPropertyOrder({"key", "size", "rows", "eTag"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InputEntry(String key, long size, long rows, String eTag) {}

    /** A committed output part, under its final name. */
    @JsonPropertyOrder({"key", "rows", "size", "sha256"})
    public record OutputEntry(String key, long rows, long size, String sha256) {}

    /** A source file moved to the quarantine prefix instead of being merged. */
    @JsonPropertyOrder({"key", "size", "reason"})
    public record QuarantinedEntry(String key, long size, String reason) {}
}
