package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import dev.compactor.store.ObjectInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns successive listings of the watched prefixes into object events, by comparing each listing with the objects
 * the previous one held. The remembered set is exactly the bucket's current content under the prefixes, so it stays
 * bounded however many objects come and go (unlike a set of every path ever seen).
 *
 * <p>The first listing after a fresh start reports every existing object as created: that is how the job rebuilds
 * its state from the bucket after a loss. Not thread-safe.
 */
public final class BucketListingDiff {

    /** What identifies one version of an object: a rewrite under the same key changes the size or the eTag. */
    public record Version(long size, String eTag) {}

    static final String NEW = "listing:new";
    static final String CHANGED = "listing:changed";
    static final String GONE = "listing:gone";

    private final List<String> prefixes;
    private final TreeMap<String, Version> known = new TreeMap<>();

    /**
     * @param prefixes the watched key prefixes
     * @param known    the objects of a previous run; those no longer under a watched prefix are forgotten, since
     *                 no listing will report them again and they must not be reported as deleted
     */
    public BucketListingDiff(List<String> prefixes, Map<String, Version> known) {
        Objects.requireNonNull(prefixes, "prefixes");
        Objects.requireNonNull(known, "known");
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("at least one prefix to watch is required");
        }
        this.prefixes = List.copyOf(prefixes);
        known.forEach((key, version) -> {
            if (isWatched(key)) {
                this.known.put(key, version);
            }
        });
    }

    /**
     * Compares a complete listing of the watched prefixes with the previous one and remembers it. Returns, in key
     * order, a CREATED event per new or changed object (event time: its last modification) and then, in key order,
     * a DELETED event per vanished object (event time: {@code observedAtMillis}, as a listing cannot say when).
     * Objects listed twice (overlapping prefixes) count once; objects outside the prefixes are not watched.
     */
    public List<ObjectEvent> apply(Collection<ObjectInfo> listing, long observedAtMillis) {
        TreeMap<String, ObjectInfo> current = new TreeMap<>();
        for (ObjectInfo info : listing) {
            if (isWatched(info.key())) {
                current.put(info.key(), info);
            }
        }
        List<ObjectEvent> events = new ArrayList<>();
        for (ObjectInfo info : current.values()) {
            Version now = new Version(info.size(), info.eTag());
            Version before = known.put(info.key(), now);
            if (!now.equals(before)) {
                events.add(new ObjectEvent(ObjectEvent.Action.CREATED, before == null ? NEW : CHANGED, info.key(),
                        info.size(), info.eTag(), info.lastModifiedMillis()));
            }
        }
        List<String> vanished = new ArrayList<>();
        for (String key : known.keySet()) {
            if (!current.containsKey(key)) {
                vanished.add(key);
            }
        }
        for (String key : vanished) {
            known.remove(key);
            events.add(new ObjectEvent(ObjectEvent.Action.DELETED, GONE, key, 0, null, observedAtMillis));
        }
        return events;
    }

    /** The objects the last listing held, in key order; the part of the source's checkpoint that survives restarts. */
    public SortedMap<String, Version> known() {
        return Collections.unmodifiableSortedMap(known);
    }

    public List<String> prefixes() {
        return prefixes;
    }

    private boolean isWatched(String key) {
        for (String prefix : prefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
