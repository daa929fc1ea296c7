package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.table.TableCommitter;
import dev.compactor.table.TableConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes a staged window generation visible: publishes its parts under their final names, adds them to the
 * namespace's table when there is one ({@link TableCommitter}), quarantines its unreadable inputs, writes the
 * manifest, and only then deletes the sources and the staging objects.
 *
 * <p>Every step can be repeated: a crash at any point followed by a replay of the same committable (or of
 * another attempt of the same generation) finishes the job without publishing twice or losing a row. The
 * manifest is the commit point; once it exists, nothing the manifest lists is rewritten.
 *
 * <p>With a source retention ({@code compaction.source-retention}), the sources are not deleted but moved to
 * {@code _trash/{ns}/{ws}-g{gen}/}: the exact merged version is copied, then deleted conditionally like without
 * retention, so a key written again since stays. Each commit then removes the namespace's retained sources whose
 * retention passed, unless an uncompact rolled their generation back ({@link Uncompactor} owns those).
 */
public final class WindowPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(WindowPublisher.class);

    private final ObjectStore store;
    private final BucketLayout layout;
    private final Clock clock;
    private final Duration sourceRetention;
    private final TableCommitter table;

    public WindowPublisher(ObjectStore store, BucketLayout layout, Clock clock) {
        this(store, layout, clock, Duration.ZERO);
    }

    /** @param sourceRetention how long sources are kept under {@code _trash/}; zero deletes them at commit */
    public WindowPublisher(ObjectStore store, BucketLayout layout, Clock clock, Duration sourceRetention) {
        this(store, layout, clock, sourceRetention, TableCommitter.NONE);
    }

    /** @param table adds each generation's outputs to its table before the manifest is written */
    public WindowPublisher(ObjectStore store, BucketLayout layout, Clock clock, Duration sourceRetention,
                           TableCommitter table) {
        this.table = Objects.requireNonNull(table, "table must not be null");
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.layout = Objects.requireNonNull(layout, "layout must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.sourceRetention = Objects.requireNonNull(sourceRetention, "sourceRetention must not be null");
        if (sourceRetention.isNegative()) {
            throw new IllegalArgumentException("source retention must not be negative, was " + sourceRetention);
        }
    }

    /** Commits {@code window}; throws IOException on store errors that a later retry may not see. */
    public PublishOutcome publish(StagedWindow window) throws IOException {
        requireIdentity(window);
        String id = identity(window);
        String manifestKey = layout.manifestKey(window.namespace, window.windowStart, window.generation);

        if (store.head(manifestKey).isPresent()) {
            Manifest existing = ManifestCodec.fromJson(store.read(manifestKey));
            if (existing.isRolledBack()) {
                // An uncompact put the sources back and removed the outputs: deleting a source now would lose rows.
                LOG.warn("{}: the generation was un-compacted at {}; publishing and deleting nothing", id,
                        existing.rolledBackAt());
                clearStaging(window, id);
                return new PublishOutcome(PublishOutcome.Status.ALREADY_COMMITTED, 0, 0, 0, "");
            }
            LOG.info("{}: already committed by attempt {} at {}; publishing nothing, finishing cleanup",
                    id, existing.attempt(), existing.committedAt());
            int quarantined = quarantine(existing, id);
            int deleted = deleteSources(existing, id);
            clearStaging(window, id);
            return new PublishOutcome(PublishOutcome.Status.ALREADY_COMMITTED, 0, deleted, quarantined, "");
        }

        List<String> lost = lostParts(window);
        if (!lost.isEmpty()) {
            String failure = id + ": cannot commit, staged outputs are lost (" + String.join("; ", lost)
                    + "). No manifest written, no source deleted; the window must be merged again.";
            LOG.error(failure);
            return PublishOutcome.uncommittable(failure);
        }

        try {
            table.check(window);
        } catch (TableConflictException e) {
            String failure = id + ": cannot commit into the table: " + e.getMessage() + ". Nothing published, no "
                    + "manifest written, no source deleted; the window will be merged again and fail the same way "
                    + "until the table or the sources change.";
            LOG.error(failure);
            return PublishOutcome.uncommittable(failure);
        }

        int published = publishParts(window, id);
        // Before the manifest: a crash between the two replays the table commit, which finds its own snapshot.
        table.commit(window);
        Instant now = clock.instant();
        Manifest manifest = Manifest.of(window, mergedVersions(window, id), now)
                .withRetry(mergeOverrides(window), sourceRetention.isZero() ? null : now.plus(sourceRetention));
        int quarantined = quarantine(manifest, id);
        writeManifest(manifestKey, manifest, id);
        LOG.info("{}: committed {} outputs ({} rows) from {} inputs ({} rows), {} quarantined, {} missing; manifest {}",
                id, manifest.outputs().size(), manifest.totalOutputRows(), manifest.inputs().size(),
                manifest.totalInputRows(), manifest.quarantined().size(), manifest.missing().size(), manifestKey);

        int deleted = deleteSources(manifest, id);
        clearStaging(window, id);
        store.delete(layout.windowOverridesKey(window.namespace, window.windowStart));
        removeExpiredTrash(window.namespace, id);
        return new PublishOutcome(PublishOutcome.Status.COMMITTED, published, deleted, quarantined, "");
    }

    /**
     * Writes the manifest create-only: the head above and this write are two steps, and another committer of the
     * same generation (a replay racing this one, a second job on the bucket) may write between them. Its manifest
     * is the commit then, and ours must not replace it. One that records the same commit (all but the time it was
     * written; a store retry of our own put finds it too) is ours; any other is an error naming both, which leaves
     * the sources alone: the retry finds the existing manifest and finishes the commit it records.
     */
    private void writeManifest(String manifestKey, Manifest manifest, String id) throws IOException {
        if (store.writeIfAbsent(manifestKey, ManifestCodec.toJson(manifest))) {
            return;
        }
        Manifest existing = ManifestCodec.fromJson(store.read(manifestKey));
        if (sameCommit(existing, manifest)) {
            LOG.info("{}: manifest {} was already written with the same content at {}", id, manifestKey,
                    existing.committedAt());
            return;
        }
        throw new FileAlreadyExistsException(manifestKey, null, id + ": another manifest was written for this "
                + "generation while committing; existing: attempt " + existing.attempt() + " committed at "
                + existing.committedAt() + " with " + existing.inputs().size() + " inputs and "
                + existing.outputs().size() + " outputs; ours: attempt " + manifest.attempt() + " with "
                + manifest.inputs().size() + " inputs and " + manifest.outputs().size()
                + " outputs. Kept the existing one, deleted no source");
    }

    private static boolean sameCommit(Manifest a, Manifest b) {
        // the retention's end follows from the commit time too
        return a.equals(b.committedAt(a.committedAt()).withRetry(b.overrides(),
                a.sourcesRetainedUntil() == null ? null : Instant.parse(a.sourcesRetainedUntil())));
    }

    /**
     * Parts that are neither staged nor already published. Checked for all parts before moving any, so a
     * window that cannot be committed leaves no orphan outputs under final names for readers to pick up.
     */
    private List<String> lostParts(StagedWindow window) throws IOException {
        List<String> lost = new ArrayList<>();
        for (StagedWindow.Part part : window.parts) {
            if (store.head(part.stagingKey).isPresent()) {
                continue;
            }
            Optional<ObjectInfo> published = store.head(part.finalKey);
            if (published.isEmpty()) {
                lost.add("staging " + part.stagingKey + " and final " + part.finalKey + " are both absent");
            } else if (published.get().size() != part.sizeBytes) {
                lost.add("staging " + part.stagingKey + " is absent and final " + part.finalKey + " has "
                        + published.get().size() + " bytes, expected " + part.sizeBytes);
            }
        }
        return lost;
    }

    private int publishParts(StagedWindow window, String id) throws IOException {
        int published = 0;
        for (StagedWindow.Part part : window.parts) {
            // Absent staging here means an earlier run moved it (lostParts checked the final object).
            if (store.head(part.stagingKey).isPresent()) {
                store.move(part.stagingKey, part.finalKey);
                published++;
                LOG.debug("{}: published {} as {}", id, part.stagingKey, part.finalKey);
            }
        }
        return published;
    }

    /** Copies each quarantined input, with its reason, to the quarantine prefix; returns how many it copied. */
    private int quarantine(Manifest manifest, String id) throws IOException {
        int copied = 0;
        for (Manifest.QuarantinedEntry entry : manifest.quarantined()) {
            String copyKey = layout.quarantineKey(entry.key(), entry.size());
            if (store.head(copyKey).isEmpty()) {
                if (store.head(entry.key()).isEmpty()) {
                    LOG.warn("{}: quarantined input {} no longer exists and has no quarantined copy; "
                            + "someone else deleted it", id, entry.key());
                    continue;
                }
                // No server-side copy in ObjectStore; quarantined inputs are single writer flushes, small
                // enough to hold in memory once.
                byte[] content = store.read(entry.key());
                if (content.length != entry.size()) {
                    // Another version now: a new file for the next generation, not the one found unreadable. Without
                    // a copy of the quarantined version, deleteSources keeps the key too.
                    LOG.warn("{}: quarantined input {} ({} bytes) was written again ({} bytes) before its copy; "
                            + "keeping the new version, nothing to copy", id, entry.key(), entry.size(), content.length);
                    continue;
                }
                store.write(copyKey, content);
                copied++;
                LOG.warn("{}: quarantined {} as {}: {}", id, entry.key(), copyKey, entry.reason());
            }
            String reasonKey = layout.quarantineReasonKey(entry.key(), entry.size());
            if (store.head(reasonKey).isEmpty()) {
                QuarantineReason reason = new QuarantineReason(entry.key(), entry.reason(), manifest.namespace(),
                        manifest.windowStart(), manifest.generation(), clock.instant().toString());
                store.write(reasonKey, reason.toJson());
            }
        }
        return copied;
    }

    /**
     * The eTag of each input version the attempt merged, from its {@code _STAGED.json} marker. Without the marker
     * (removed by hand) the manifest records sizes only, and a rewrite of the same size would be deleted.
     */
    private Map<String, String> mergedVersions(StagedWindow window, String id) throws IOException {
        String marker = layout.stagedMarkerKey(window.namespace, window.windowStart, window.generation, window.attempt);
        if (store.head(marker).isEmpty()) {
            LOG.warn("{}: staged marker {} is gone; the manifest records its inputs' sizes but not their eTags", id,
                    marker);
            return Map.of();
        }
        return StagedWindowCodec.inputETagsOfMarker(store.read(marker));
    }

    /** The merge parameters the attempt applied, from its staged marker; empty for none. */
    private Map<String, Object> mergeOverrides(StagedWindow window) throws IOException {
        String marker = layout.stagedMarkerKey(window.namespace, window.windowStart, window.generation, window.attempt);
        return store.head(marker).isEmpty() ? Map.of() : StagedWindowCodec.overridesOfMarker(store.read(marker));
    }

    /**
     * Runs only once the manifest is durable (invariant 2). Deletes only the version of each input that was merged:
     * a key written again since stays, and its new version forms the window's next generation. With a retention,
     * that version is first copied under the generation's trash dir. Returns how many objects it deleted.
     */
    private int deleteSources(Manifest manifest, String id) throws IOException {
        if (manifest.sourcesRetainedUntil() != null) {
            retainMarker(manifest);
        }
        int deleted = 0;
        for (Manifest.InputEntry input : manifest.inputs()) {
            if (manifest.sourcesRetainedUntil() != null && !retain(manifest, input, id)) {
                continue;
            }
            if (store.deleteVersion(input.key(), input.size(), input.eTag())) {
                deleted++;
            } else if (store.head(input.key()).isPresent()) {
                LOG.warn("{}: source {} was written again after its merge; keeping the new version", id, input.key());
            }
        }
        for (Manifest.QuarantinedEntry entry : manifest.quarantined()) {
            // An unreadable input without a quarantined copy is kept, never silently dropped (invariant 4).
            if (store.head(layout.quarantineKey(entry.key(), entry.size())).isPresent()
                    && store.deleteVersion(entry.key(), entry.size(), null)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("{}: deleted {} source objects", id, deleted);
        }
        return deleted;
    }

    /** Records until when the generation's trash dir is kept, before any copy lands in it. */
    private void retainMarker(Manifest manifest) throws IOException {
        String key = BucketLayout.trashMarkerKey(manifest.namespace(), manifest.windowStart(), manifest.generation());
        if (store.head(key).isEmpty()) {
            long bytes = manifest.inputs().stream().mapToLong(Manifest.InputEntry::size).sum();
            String json = "{\"namespace\":\"" + manifest.namespace() + "\",\"windowStart\":" + manifest.windowStart()
                    + ",\"generation\":" + manifest.generation() + ",\"bytes\":" + bytes + ",\"retainedUntil\":\""
                    + manifest.sourcesRetainedUntil() + "\"}";
            store.write(key, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Copies the merged version of {@code input} to the trash dir; false when it is not there to copy (another
     * version now, which stays as the new file it is). True also when an earlier run copied it already.
     */
    private boolean retain(Manifest manifest, Manifest.InputEntry input, String id) throws IOException {
        String copyKey = layout.trashKey(manifest.namespace(), manifest.windowStart(), manifest.generation(),
                input.key());
        Optional<ObjectInfo> copy = store.head(copyKey);
        if (copy.isPresent() && copy.get().size() == input.size()) {
            return true;
        }
        Optional<ObjectInfo> source = store.head(input.key());
        if (source.isEmpty() || !source.get().isVersion(input.size(), input.eTag())) {
            return false;
        }
        byte[] content = store.read(input.key());
        Optional<ObjectInfo> after = store.head(input.key());
        // read between two heads of the same version: the bytes are that version's (a rewrite shows in the second)
        if (content.length != input.size() || after.isEmpty() || !after.get().equals(source.get())) {
            LOG.warn("{}: source {} changed while it was copied to {}; keeping it in place", id, input.key(), copyKey);
            return false;
        }
        store.write(copyKey, content);
        return true;
    }

    /**
     * Removes the namespace's retained sources whose retention passed, copies first and their marker last, so a
     * crash leaves a dir that the next commit finds again. A generation rolled back by an uncompact is left to it.
     */
    private void removeExpiredTrash(String namespace, String id) throws IOException {
        Instant now = clock.instant();
        for (ObjectInfo marker : store.list(BucketLayout.trashNamespacePrefix(namespace))) {
            if (!marker.key().endsWith("/" + BucketLayout.RETAINED_MARKER)) {
                continue;
            }
            String dir = marker.key().substring(0, marker.key().length() - BucketLayout.RETAINED_MARKER.length());
            Optional<Instant> until = RetainedMarker.until(store.read(marker.key()));
            if (until.isEmpty() || until.get().isAfter(now)) {
                continue;
            }
            Optional<String> manifestKey = RetainedMarker.manifestKey(layout, marker.key());
            if (manifestKey.isPresent() && store.head(manifestKey.get()).isPresent()
                    && ManifestCodec.fromJson(store.read(manifestKey.get())).isRolledBack()) {
                continue;
            }
            List<ObjectInfo> objects = store.list(dir);
            for (ObjectInfo object : objects) {
                if (!object.key().equals(marker.key())) {
                    store.delete(object.key());
                }
            }
            store.delete(marker.key());
            LOG.info("{}: removed {} retained sources under {} (retained until {})", id, objects.size() - 1, dir,
                    until.get());
        }
    }

    /** Clears every attempt of the generation, markers included: once committed, none of them is needed. */
    private void clearStaging(StagedWindow window, String id) throws IOException {
        String prefix = layout.stagingGenerationPrefix(window.namespace, window.windowStart, window.generation);
        List<ObjectInfo> staged = store.list(prefix);
        for (ObjectInfo object : staged) {
            store.delete(object.key());
        }
        if (!staged.isEmpty()) {
            LOG.debug("{}: cleared {} staging objects under {}", id, staged.size(), prefix);
        }
    }

    private static void requireIdentity(StagedWindow window) {
        Objects.requireNonNull(window, "staged window must not be null");
        if (window.namespace == null || window.namespace.isEmpty()) {
            throw new IllegalArgumentException("staged window has no namespace: " + window);
        }
        for (StagedWindow.Part part : window.parts) {
            if (part.stagingKey == null || part.finalKey == null) {
                throw new IllegalArgumentException("staged window " + window + " has a part without staging or "
                        + "final key: " + part.stagingKey + " -> " + part.finalKey);
            }
        }
    }

    /** How every log line names the window: namespace, window start (epoch ms and UTC), generation, attempt. */
    static String identity(StagedWindow window) {
        return "window " + window.namespace + "/" + window.windowStart + " (" + Instant.ofEpochMilli(window.windowStart)
                + ") g" + window.generation + " a" + window.attempt;
    }
}
