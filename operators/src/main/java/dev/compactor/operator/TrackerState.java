package dev.compactor.operator;

import dev.compactor.window.FileRecord;
import dev.compactor.window.RetainedSources;
import dev.compactor.window.WindowRecord;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The keyed state of {@link WindowTracker}, one descriptor per state, shared with the tools that read or write
 * savepoints (state dump, bootstrap from a bucket listing). A name or type changed here changes what savepoints
 * hold: the old state no longer restores.
 */
public final class TrackerState {

    private TrackerState() {}

    /** "{windowStart}-g{generation}" → the generation's record. */
    public static MapStateDescriptor<String, WindowRecord> windows() {
        return new MapStateDescriptor<>("windows", Types.STRING, TypeInformation.of(WindowRecord.class));
    }

    /** windowStart → newest generation ever opened; kept after commit so generations are never reused. */
    public static MapStateDescriptor<Long, Integer> latestGeneration() {
        return new MapStateDescriptor<>("latest-generation", Types.LONG, Types.INT);
    }

    /** object key → pending file. */
    public static MapStateDescriptor<String, FileRecord> files() {
        return new MapStateDescriptor<>("files", Types.STRING, TypeInformation.of(FileRecord.class));
    }

    /**
     * "{windowStart}-g{generation}#{slot}" → object key of a file that joined that generation: a generation's files
     * are found without reading the namespace's others ({@code WindowRecord.fileSlots} slots per generation). An
     * entry can be stale (the file was removed, or rewritten into the next generation): {@link #files()} says where
     * a file belongs. Added after the first release: a savepoint without it restores with every generation
     * unindexed ({@code WindowRecord.filesIndexed} false), and the tracker indexes them on first use.
     */
    public static MapStateDescriptor<String, String> generationFiles() {
        return new MapStateDescriptor<>("generation-files", Types.STRING, Types.STRING);
    }

    /** "{windowStart}-g{generation}/{writer}" → present. */
    public static MapStateDescriptor<String, Boolean> windowWriters() {
        return new MapStateDescriptor<>("window-writers", Types.STRING, Types.BOOLEAN);
    }

    /** writer → newest file time seen (the runbook's known writers). */
    public static MapStateDescriptor<String, Long> writers() {
        return new MapStateDescriptor<>("writers", Types.STRING, Types.LONG);
    }

    /** The namespace this key tracks (a sharded namespace's keys are {@code namespace#windowStart}). */
    public static ValueStateDescriptor<String> namespace() {
        return new ValueStateDescriptor<>("namespace", Types.STRING);
    }

    /** An operator's priority for the namespace (control command), overriding the configuration. */
    public static ValueStateDescriptor<Integer> priorityOverride() {
        return new ValueStateDescriptor<>("priority-override", Types.INT);
    }

    /** Wall-clock time of the namespace's latest commit. */
    public static ValueStateDescriptor<Long> lastCompaction() {
        return new ValueStateDescriptor<>("last-compaction", Types.LONG);
    }

    /** The latest control command applied, for status. */
    public static ValueStateDescriptor<String> lastCommand() {
        return new ValueStateDescriptor<>("last-command", Types.STRING);
    }

    /** control command id → when it was issued (or applied, for an id without a time); see WindowTracker. */
    public static MapStateDescriptor<String, Long> appliedCommands() {
        return new MapStateDescriptor<>("applied-commands", Types.STRING, Types.LONG);
    }

    /** quarantined source key → present, so a quarantine is counted once. */
    public static MapStateDescriptor<String, Boolean> quarantined() {
        return new MapStateDescriptor<>("quarantined", Types.STRING, Types.BOOLEAN);
    }

    /**
     * windowStart → id of the uncompact command that holds it: its generations are not dispatched until a trigger.
     * Added after the first release: a savepoint without it restores with no window held.
     */
    public static MapStateDescriptor<Long, String> heldWindows() {
        return new MapStateDescriptor<>("held-windows", Types.LONG, Types.STRING);
    }

    /** windowStart → the merge parameters a retry set for it ({@code WindowOverrides#spec}), until it commits. */
    public static MapStateDescriptor<Long, String> windowOverrides() {
        return new MapStateDescriptor<>("window-overrides", Types.LONG, Types.STRING);
    }

    /** "{windowStart}-g{generation}" → sources of that committed generation kept under {@code _trash/}. */
    public static MapStateDescriptor<String, RetainedSources> retainedSources() {
        return new MapStateDescriptor<>("retained-sources", Types.STRING, TypeInformation.of(RetainedSources.class));
    }

    public static ValueStateDescriptor<Long> quarantinedCount() {
        return new ValueStateDescriptor<>("quarantined-count", Types.LONG);
    }

    /** The key's status JSON, published as queryable state under {@code queryableName}. */
    public static ValueStateDescriptor<String> status(String queryableName) {
        ValueStateDescriptor<String> descriptor = new ValueStateDescriptor<>("status", Types.STRING);
        descriptor.setQueryable(queryableName);
        return descriptor;
    }

    /** The key of slot {@code slot} of a generation's file index in {@link #generationFiles()}. */
    public static String fileSlotKey(String windowKey, int slot) {
        return windowKey + "#" + slot;
    }

    /** The key of a window generation in {@link #windows()}, and the prefix of its {@link #windowWriters()}. */
    public static String windowKey(long windowStart, int generation) {
        return windowStart + "-g" + generation;
    }
}
