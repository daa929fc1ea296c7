package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Un-compacts one committed window generation (the runbook's "Emergency rollback of compacted files"): puts its
 * sources back under their original keys from the copies the commit kept under {@code _trash/}
 * ({@code compaction.source-retention}), removes its outputs and marks its manifest rolled back.
 *
 * <p>The order never loses a row, and a crash at any step is finished by running it again:
 * <ol>
 *   <li>check that every source can be put back (present at its merged version, or a retained copy of its size),
 *       and that the retention does not end within {@link #RETENTION_MARGIN}; refuse otherwise, changing nothing;</li>
 *   <li>mark the manifest rolled back: from here on no commit replay deletes a source, no merge takes the
 *       manifest's inputs for committed, and the job's trash removal leaves the generation's copies alone;</li>
 *   <li>put every source back, create-only (a key written again since is never replaced: that stops the run before
 *       any output is removed);</li>
 *   <li>only then remove the outputs: between 3 and 4 a reader of the data prefix sees the rows twice, as during a
 *       commit, never zero times;</li>
 *   <li>remove the retained copies, their marker last.</li>
 * </ol>
 * The job must hold the window first (the uncompact control command), or it compacts the sources put back at once.
 */
public final class Uncompactor {

    private static final Logger LOG = LoggerFactory.getLogger(Uncompactor.class);
    /** An uncompact refuses sources whose retention ends sooner: the job could remove them under it. */
    public static final Duration RETENTION_MARGIN = Duration.ofMinutes(10);

    private final ObjectStore store;
    private final BucketLayout layout;
    private final Clock clock;

    public Uncompactor(ObjectStore store, BucketLayout layout, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What an uncompact did. */
    public record Result(String manifestKey, int generation, int restored, int outputsRemoved, long restoredBytes,
                         boolean alreadyRolledBack) {}

    /** Refused before anything changed: the reason says why. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    /**
     * The newest generation of the window with a manifest, or {@code generation} when given; empty when the window
     * has no such manifest.
     */
    public Optional<String> manifestOf(String namespace, long windowStart, Integer generation) throws IOException {
        if (generation != null) {
            String key = layout.manifestKey(namespace, windowStart, generation);
            return store.head(key).isPresent() ? Optional.of(key) : Optional.empty();
        }
        String newest = null;
        int newestGeneration = -1;
        String prefix = layout.manifestWindowPrefix(namespace, windowStart);
        for (ObjectInfo object : store.list(prefix)) {
            String rest = object.key().substring(prefix.length());
            if (rest.matches("\\d{1,9}\\.json")) {
                int g = Integer.parseInt(rest.substring(0, rest.length() - ".json".length()));
                if (g > newestGeneration) {
                    newestGeneration = g;
                    newest = object.key();
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    /**
     * Whether {@link #run} would start: refuses (changing nothing) what it would refuse, so a caller can check before
     * it asks the job to hold the window. A manifest already rolled back passes: running again finishes it.
     */
    public void check(String manifestKey) throws IOException {
        Manifest manifest = ManifestCodec.fromJson(store.read(manifestKey));
        if (!manifest.isRolledBack()) {
            checkRestorable(manifest, manifestKey);
        }
    }

    /** Un-compacts the generation of {@code manifestKey}, or finishes an earlier run of it. */
    public Result run(String manifestKey) throws IOException {
        Manifest manifest = ManifestCodec.fromJson(store.read(manifestKey));
        boolean already = manifest.isRolledBack();
        if (!already) {
            checkRestorable(manifest, manifestKey);
            store.write(manifestKey, ManifestCodec.toJson(manifest.rolledBack(clock.instant())));
            LOG.info("{}: marked rolled back; putting its {} sources back", manifestKey, manifest.inputs().size());
        }
        int restored = 0;
        long restoredBytes = 0;
        for (Manifest.InputEntry input : manifest.inputs()) {
            if (restore(manifest, input)) {
                restored++;
                restoredBytes += input.size();
            }
        }
        int removed = 0;
        for (Manifest.OutputEntry output : manifest.outputs()) {
            if (store.delete(output.key())) {
                removed++;
            }
        }
        String dir = BucketLayout.trashDir(manifest.namespace(), manifest.windowStart(), manifest.generation());
        String marker = BucketLayout.trashMarkerKey(manifest.namespace(), manifest.windowStart(), manifest.generation());
        for (ObjectInfo object : store.list(dir)) {
            if (!object.key().equals(marker)) {
                store.delete(object.key());
            }
        }
        store.delete(marker);
        LOG.info("{}: un-compacted: {} sources put back ({} bytes), {} outputs removed", manifestKey, restored,
                restoredBytes, removed);
        return new Result(manifestKey, manifest.generation(), restored, removed, restoredBytes, already);
    }

    private void checkRestorable(Manifest manifest, String manifestKey) throws IOException {
        boolean needsTrash = false;
        for (Manifest.InputEntry input : manifest.inputs()) {
            Optional<ObjectInfo> source = store.head(input.key());
            if (source.isPresent() && source.get().isVersion(input.size(), input.eTag())) {
                continue; // never deleted (a commit interrupted before its deletions)
            }
            if (source.isPresent()) {
                throw new RefusedException(input.key() + " was written again since " + manifestKey
                        + " compacted it; putting the old version back would replace the new one. Nothing changed.");
            }
            Optional<ObjectInfo> copy = store.head(trashKey(manifest, input));
            if (copy.isEmpty() || copy.get().size() != input.size()) {
                throw new RefusedException("the sources of " + manifestKey + " were not kept ("
                        + trashKey(manifest, input) + " is " + (copy.isEmpty() ? "absent" : "another size")
                        + "; compaction.source-retention was 0 at its commit, or the retention passed): restore "
                        + "from a backup. Nothing changed.");
            }
            needsTrash = true;
        }
        if (needsTrash && manifest.sourcesRetainedUntil() != null
                && Instant.parse(manifest.sourcesRetainedUntil()).isBefore(clock.instant().plus(RETENTION_MARGIN))) {
            throw new RefusedException("the sources of " + manifestKey + " are retained only until "
                    + manifest.sourcesRetainedUntil() + ", less than " + RETENTION_MARGIN
                    + " from now: the job may remove them meanwhile. Copy them out of "
                    + BucketLayout.trashDir(manifest.namespace(), manifest.windowStart(), manifest.generation())
                    + " by hand. Nothing changed.");
        }
    }

    /** Puts one source back; true when this run wrote it. */
    private boolean restore(Manifest manifest, Manifest.InputEntry input) throws IOException {
        Optional<ObjectInfo> current = store.head(input.key());
        if (current.isPresent()) {
            if (current.get().size() == input.size()) {
                return false; // put back by an earlier run, or never deleted
            }
            throw new IOException(input.key() + " was written again while " + manifest.namespace() + " window "
                    + manifest.windowStart() + " g" + manifest.generation() + " was un-compacted; its outputs are "
                    + "kept, so no row is lost. Move the new version aside and run uncompact again.");
        }
        String copyKey = trashKey(manifest, input);
        byte[] content = store.read(copyKey);
        if (content.length != input.size()) {
            throw new IOException(copyKey + " has " + content.length + " bytes, the manifest says " + input.size());
        }
        if (!store.writeIfAbsent(input.key(), content)) {
            return restore(manifest, input); // written meanwhile: the same checks decide
        }
        return true;
    }

    private String trashKey(Manifest manifest, Manifest.InputEntry input) {
        return layout.trashKey(manifest.namespace(), manifest.windowStart(), manifest.generation(), input.key());
    }
}
