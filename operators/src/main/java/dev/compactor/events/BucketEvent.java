package dev.compactor.events;

import java.util.Objects;

/**
 * An object event after classification: something WindowTracker acts on, already keyed by namespace.
 * A Flink POJO; fields that a type does not use keep their zero value.
 */
public class BucketEvent {

    public enum Type {
        /** A source file {@code {epochSeconds}-{writer}-{seq}.parquet} appeared. */
        FILE_ADDED,
        /** A source file was removed (by us after a commit, or by someone else). */
        FILE_REMOVED,
        /** Every part of a merge attempt is staged; it waits for a checkpoint to commit. */
        WINDOW_STAGED,
        /** A merge attempt still reads or writes bytes: it is slow, not stuck. */
        WINDOW_PROGRESS,
        /** The manifest of a window generation exists: its outputs are durable. */
        WINDOW_COMMITTED,
        /** A merge attempt gave up (its retries spent, or the window's data made it fail); the reason is in {@link #key}'s object. */
        WINDOW_FAILED,
        /** An operator's {@link ControlCommand}, written under {@code _control/}. */
        CONTROL,
        /** The commit set a source file aside under {@code _quarantine/} (its reason object appeared). */
        FILE_QUARANTINED
    }

    public Type type;
    public String namespace;
    public String key;
    public long size;
    public String eTag;
    public String writerId;
    public long seq;
    /** The writer's flush time from the file name, epoch ms. Event time of FILE_ADDED. */
    public long fileTimeMillis;
    public long windowStart;
    public int generation;
    public int attempt;
    /** CONTROL: the command's id, kind name and priority (a rollback's window is {@link #windowStart}). */
    public String commandId;
    public String command;
    public int priority;
    /** CONTROL: a rollback's per-window merge parameters ({@code WindowOverrides#spec}), null or "" for none. */
    public String overrides;

    public BucketEvent() {}

    public static BucketEvent fileAdded(String namespace, String key, long size, String eTag, String writerId,
                                        long seq, long fileTimeMillis) {
        BucketEvent e = of(Type.FILE_ADDED, namespace, key);
        e.size = size;
        e.eTag = eTag;
        e.writerId = writerId;
        e.seq = seq;
        e.fileTimeMillis = fileTimeMillis;
        return e;
    }

    public static BucketEvent fileRemoved(String namespace, String key, long fileTimeMillis) {
        BucketEvent e = of(Type.FILE_REMOVED, namespace, key);
        e.fileTimeMillis = fileTimeMillis;
        return e;
    }

    public static BucketEvent fileQuarantined(String namespace, String key, long fileTimeMillis) {
        BucketEvent e = of(Type.FILE_QUARANTINED, namespace, key);
        e.fileTimeMillis = fileTimeMillis;
        return e;
    }

    public static BucketEvent windowStaged(String namespace, String key, long windowStart, int generation, int attempt) {
        BucketEvent e = of(Type.WINDOW_STAGED, namespace, key);
        e.windowStart = windowStart;
        e.generation = generation;
        e.attempt = attempt;
        return e;
    }

    public static BucketEvent windowProgress(String namespace, String key, long windowStart, int generation,
                                             int attempt) {
        BucketEvent e = of(Type.WINDOW_PROGRESS, namespace, key);
        e.windowStart = windowStart;
        e.generation = generation;
        e.attempt = attempt;
        return e;
    }

    public static BucketEvent windowFailed(String namespace, String key, long windowStart, int generation, int attempt,
                                           String reason) {
        BucketEvent e = of(Type.WINDOW_FAILED, namespace, key);
        e.windowStart = windowStart;
        e.generation = generation;
        e.attempt = attempt;
        e.eTag = reason;
        return e;
    }

    public static BucketEvent windowCommitted(String namespace, String key, long windowStart, int generation) {
        BucketEvent e = of(Type.WINDOW_COMMITTED, namespace, key);
        e.windowStart = windowStart;
        e.generation = generation;
        return e;
    }

    public static BucketEvent control(String namespace, String key, ControlCommand c) {
        BucketEvent e = of(Type.CONTROL, namespace, key);
        e.commandId = c.id();
        e.command = c.kind().name();
        e.windowStart = c.windowStart();
        e.priority = c.priority();
        e.overrides = c.overrides();
        return e;
    }

    public ControlCommand toCommand() {
        return new ControlCommand(commandId, ControlCommand.Kind.valueOf(command), windowStart, priority, overrides);
    }

    private static BucketEvent of(Type type, String namespace, String key) {
        BucketEvent e = new BucketEvent();
        e.type = type;
        e.namespace = namespace;
        e.key = key;
        return e;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BucketEvent)) {
            return false;
        }
        BucketEvent e = (BucketEvent) o;
        return type == e.type && size == e.size && seq == e.seq && fileTimeMillis == e.fileTimeMillis
                && windowStart == e.windowStart && generation == e.generation && attempt == e.attempt
                && Objects.equals(namespace, e.namespace) && Objects.equals(key, e.key)
                && Objects.equals(eTag, e.eTag) && Objects.equals(writerId, e.writerId)
                && Objects.equals(commandId, e.commandId) && Objects.equals(command, e.command)
                && priority == e.priority && Objects.equals(overrides, e.overrides);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, namespace, key, windowStart, generation);
    }

    @Override
    public String toString() {
        return type + "(" + namespace + ", " + key + ")";
    }
}
