package dev.compactor.savepoints;

/** WindowTracker keys: a namespace, or {@code namespace#windowStart} for a time-bucket sharded namespace. */
final class TrackerKeys {

    private TrackerKeys() {}

    static boolean belongsTo(String key, String namespace) {
        return key.equals(namespace) || key.startsWith(namespace + "#");
    }
}
