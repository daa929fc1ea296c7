package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes a staged window generation visible: publishes its parts under their final names, quarantines its
 * unreadable inputs, writes the manifest, and only then deletes the sources and the staging objects.
 *
 * <p>Every step can be repeated: a crash at any point followed by a replay of the same committable (or of
 * another attempt of the same generation) finishes the job without publishing twice or losing a row. The
 * manifest is the commit point; once it exists, nothing the manifest lists is rewritten.
 */
public final class WindowPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(WindowPublisher.class);

    private final ObjectStore store;
    private final BucketLayout layout;
    private final Clock clock;

    public WindowPublisher(ObjectStore store, BucketLayout layout, Clock clock) {
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.layout = Objects.requireNonNull(layout, "layout must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /** Commits {@code window}; throws IOException on store errors that a later retry may not see. */
    public PublishOutcome publish(StagedWindow window) throws IOException {
        requireIdentity(window);
        String id = identity(window);
        String manifestKey = layout.manifestKey(window.namespace, window.windowStart, window.generation);

        if (store.head(manifestKey).isPresent()) {
            Manifest existing = ManifestCodec.fromJson(store.read(manifestKey));
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

        int published = publishParts(window, id);
        Manifest manifest = Manifest.of(window, mergedVersions(window, id), clock.instant());
        int quarantined = quarantine(manifest, id);
        store.write(manifestKey, ManifestCodec.toJson(manifest));
        LOG.info("{}: committed {} outputs ({} rows) from {} inputs ({} rows), {} quarantined, {} missing; manifest {}",
                id, manifest.outputs().size(), manifest.totalOutputRows(), manifest.inputs().size(),
                manifest.totalInputRows(), manifest.quarantined().size(), manifest.missing().size(), manifestKey);

        int deleted = deleteSources(manifest, id);
        clearStaging(window, id);
        return new PublishOutcome(PublishOutcome.Status.COMMITTED, published, deleted, quarantined, "");
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
            String copyKey = layout.quarantineKey(entry.key());
            if (store.head(copyKey).isEmpty()) {
                if (store.head(entry.key()).isEmpty()) {
                    LOG.warn("{}: quarantined input {} no longer exists and has no quarantined copy; "
                            + "someone else deleted it", id, entry.key());
                    continue;
                }
                // No server-side copy in ObjectStore; quarantined inputs are single writer flushes, small
                // enough to hold in memory once.
                store.write(copyKey, store.read(entry.key()));
                copied++;
                LOG.warn("{}: quarantined {} as {}: {}", id, entry.key(), copyKey, entry.reason());
            }
            String reasonKey = layout.quarantineReasonKey(entry.key());
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

    /**
     * Runs only once the manifest is durable (invariant 2). Deletes only the version of each input that was merged:
     * a key written again since stays, and its new version forms the window's next generation. Returns how many
     * objects it deleted.
     */
    private int deleteSources(Manifest manifest, String id) throws IOException {
        int deleted = 0;
        for (Manifest.InputEntry input : manifest.inputs()) {
            if (store.deleteVersion(input.key(), input.size(), input.eTag())) {
                deleted++;
            } else if (store.head(input.key()).isPresent()) {
                LOG.warn("{}: source {} was written again after its merge; keeping the new version", id, input.key());
            }
        }
        for (Manifest.QuarantinedEntry entry : manifest.quarantined()) {
            // An unreadable input without a quarantined copy is kept, never silently dropped (invariant 4).
            if (store.head(layout.quarantineKey(entry.key())).isPresent()
                    && store.deleteVersion(entry.key(), entry.size(), null)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("{}: deleted {} source objects", id, deleted);
        }
        return deleted;
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
