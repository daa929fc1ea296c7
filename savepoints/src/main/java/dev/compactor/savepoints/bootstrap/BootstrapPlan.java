package dev.compactor.savepoints.bootstrap;

import dev.compactor.commit.Manifest;
import dev.compactor.events.BucketEvent;
import dev.compactor.events.Classification;
import dev.compactor.events.EventClassifier;
import dev.compactor.events.ObjectEvent;
import dev.compactor.layout.BucketLayout;
import dev.compactor.operator.TrackerKey;
import dev.compactor.store.ObjectInfo;
import dev.compactor.window.WindowRules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * WindowTracker's state rebuilt from a bucket listing and its manifests, the runbook's recovery from lost state.
 * A manifest is a commit: its generation is never handed out again, and a source it lists that is still present
 * (a crash between the manifest and the deletions) is deleted rather than merged a second time. Every other source
 * waits in the generation after the window's newest manifest, or in generation 0.
 */
public final class BootstrapPlan {

    private final TreeMap<String, TrackerKeyState> keys;
    private final List<Manifest.InputEntry> compactedSources;

    private BootstrapPlan(TreeMap<String, TrackerKeyState> keys, List<Manifest.InputEntry> compactedSources) {
        this.keys = keys;
        this.compactedSources = compactedSources;
    }

    /**
     * @param dataObjects the listing of the data prefix: sources, and compacted outputs (skipped)
     * @param manifests   every manifest of the bucket
     */
    public static BootstrapPlan of(List<ObjectInfo> dataObjects, List<Manifest> manifests, BucketLayout layout,
                                   WindowRules rules, Set<String> shardedNamespaces) {
        EventClassifier classifier = new EventClassifier(layout);
        TrackerKey trackerKey = new TrackerKey(shardedNamespaces, rules);
        TreeMap<String, TrackerKeyState> keys = new TreeMap<>();
        Map<String, Integer> newestManifest = new HashMap<>();
        Map<String, Manifest.InputEntry> listedInManifests = new HashMap<>();

        for (Manifest m : manifests) {
            BucketEvent commit = BucketEvent.windowCommitted(m.namespace(), "", m.windowStart(), m.generation());
            keys.computeIfAbsent(trackerKey.getKey(commit), TrackerKeyState::new)
                    .committed(m.windowStart(), m.generation());
            newestManifest.merge(windowId(m.namespace(), m.windowStart()), m.generation(), Math::max);
            if (m.isRolledBack()) {
                continue; // un-compacted: its generation stays used, its sources are back to be merged again
            }
            for (Manifest.InputEntry input : m.inputs()) {
                listedInManifests.put(input.key(), input);
                // Compacted files still tell which writers were active, and when: readiness waits for them.
                sourceEvent(classifier, ObjectEvent.created(input.key(), input.size(), null, 0)).ifPresent(file ->
                        keys.computeIfAbsent(trackerKey.getKey(file), TrackerKeyState::new)
                                .sawWriter(file.writerId, file.fileTimeMillis));
            }
        }

        List<Manifest.InputEntry> compactedSources = new ArrayList<>();
        for (ObjectInfo object : dataObjects) {
            Optional<BucketEvent> source = sourceEvent(classifier,
                    ObjectEvent.created(object.key(), object.size(), object.eTag(), object.lastModifiedMillis()));
            if (source.isEmpty()) {
                continue;
            }
            Manifest.InputEntry merged = listedInManifests.get(object.key());
            // Only the version a manifest merged is compacted; a key written again since is a pending file.
            if (merged != null && object.isVersion(merged.size(), merged.eTag())) {
                compactedSources.add(merged);
                continue;
            }
            BucketEvent file = source.get();
            long windowStart = rules.windowStartOf(file.fileTimeMillis);
            Integer newest = newestManifest.get(windowId(file.namespace, windowStart));
            keys.computeIfAbsent(trackerKey.getKey(file), TrackerKeyState::new).pendingFile(file, windowStart,
                    rules.windowEndOf(windowStart), newest == null ? 0 : newest + 1);
        }
        return new BootstrapPlan(keys, compactedSources);
    }

    /** The object as a writer's source file; empty for compacted outputs and names that are not sources. */
    private static Optional<BucketEvent> sourceEvent(EventClassifier classifier, ObjectEvent object) {
        Classification c = classifier.classify(object);
        return c.isAccepted() && c.event().type == BucketEvent.Type.FILE_ADDED ? Optional.of(c.event())
                : Optional.empty();
    }

    private static String windowId(String namespace, long windowStart) {
        return namespace + "@" + windowStart;
    }

    /** The state of every key, in key order. */
    public List<TrackerKeyState> keys() {
        return List.copyOf(keys.values());
    }

    public TrackerKeyState key(String key) {
        return keys.get(key);
    }

    /** Sources already in a committed output, as the manifest recorded their version: to delete, never to merge. */
    public List<Manifest.InputEntry> compactedSources() {
        return List.copyOf(compactedSources);
    }

    public int pendingWindows() {
        return keys.values().stream().mapToInt(k -> k.windows.size()).sum();
    }

    public int pendingFiles() {
        return keys.values().stream().mapToInt(k -> k.files.size()).sum();
    }
}
