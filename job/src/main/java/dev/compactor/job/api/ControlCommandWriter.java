package dev.compactor.job.api;

import dev.compactor.commit.Uncompactor;
import dev.compactor.events.ControlCommand;
import dev.compactor.layout.BucketLayout;
import dev.compactor.operator.MergeOverrides;
import dev.compactor.status.StatusJson;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.window.WindowOverrides;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Enqueues a control command by writing its object under {@code _control/} in the bucket, where the job's bucket
 * watcher picks it up. The body records who asked what and when; the job reads only the key. Also writes what a
 * command needs in the bucket besides (a retry's merge parameters) and runs an uncompact's bucket steps.
 */
public final class ControlCommandWriter {

    private final ObjectStoreFactory stores;
    private final Clock clock;
    private final BucketLayout layout;
    private final String tableFormat;

    public ControlCommandWriter(ObjectStoreFactory stores, Clock clock) {
        this(stores, clock, BucketLayout.defaults(), null);
    }

    /**
     * @param layout      the job's bucket layout (its data prefix), for uncompact
     * @param tableFormat the table format committed generations also land in ({@code compaction.target-format}),
     *                    or null for plain files only: uncompact refuses then
     */
    public ControlCommandWriter(ObjectStoreFactory stores, Clock clock, BucketLayout layout, String tableFormat) {
        this.stores = stores;
        this.clock = clock;
        this.layout = layout;
        this.tableFormat = tableFormat;
    }

    public String newId() {
        return ControlCommand.newId(clock.millis());
    }

    /** Writes the command for {@code namespace}; returns its object key. */
    public String enqueue(String namespace, ControlCommand command) throws IOException {
        String key = command.objectKey(namespace);
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("id", command.id());
        audit.put("namespace", namespace);
        audit.put("command", command.kind().verb);
        audit.put("windowStart", command.windowStart());
        audit.put("priority", command.priority());
        if (!command.overrides().isEmpty()) {
            audit.put("overrides", WindowOverrides.parse(command.overrides()).fields());
        }
        audit.put("issuedAt", Instant.ofEpochMilli(clock.millis()).toString());
        try (ObjectStore store = stores.open()) {
            store.write(key, StatusJson.write(audit).getBytes(StandardCharsets.UTF_8));
        }
        return key;
    }

    /**
     * Writes a window's merge parameters where its merge attempts read them; written before the rollback command
     * that carries them, so the attempt the rollback starts finds them.
     */
    public void writeOverrides(String namespace, long windowStart, WindowOverrides overrides) throws IOException {
        try (ObjectStore store = stores.open()) {
            store.write(layout.windowOverridesKey(ControlCommand.checkNamespace(namespace), windowStart),
                    MergeOverrides.toJson(overrides));
        }
    }

    /** The manifest an uncompact of the window works on (the newest generation, or {@code generation}). */
    public Optional<String> manifestToUncompact(String namespace, long windowStart, Integer generation)
            throws IOException {
        try (ObjectStore store = stores.open()) {
            return new Uncompactor(store, layout, clock).manifestOf(ControlCommand.checkNamespace(namespace),
                    windowStart, generation);
        }
    }

    /** Refuses an uncompact that could not start ({@link Uncompactor#check}), changing nothing. */
    public void checkUncompact(String manifestKey) throws IOException {
        refuseInTableMode(manifestKey);
        try (ObjectStore store = stores.open()) {
            new Uncompactor(store, layout, clock).check(manifestKey);
        }
    }

    /** Runs (or finishes) the uncompact of the generation of {@code manifestKey}; the job must hold the window. */
    public Uncompactor.Result uncompact(String manifestKey) throws IOException {
        refuseInTableMode(manifestKey);
        try (ObjectStore store = stores.open()) {
            return new Uncompactor(store, layout, clock).run(manifestKey);
        }
    }

    /**
     * The outputs of a generation committed into a table are that table's data files: removing them under it would
     * leave a table whose scans fail, and putting the sources back would not take the rows out of it.
     */
    private void refuseInTableMode(String manifestKey) throws Uncompactor.RefusedException {
        if (tableFormat != null) {
            throw new Uncompactor.RefusedException("the outputs of " + manifestKey + " are data files of an "
                    + tableFormat + " table (compaction.target-format " + tableFormat + "); uncompact would break "
                    + "it. Roll the table back with its own tools (e.g. Iceberg's rollback_to_snapshot to the "
                    + "snapshot before the one whose compactor.window and compactor.generation name this "
                    + "generation). Nothing changed.");
        }
    }
}
