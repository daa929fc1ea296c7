package dev.compactor.store;

import java.util.Objects;

/** What a listing or a head request says about one object. Keys are '/'-separated, relative to the bucket root. */
public record ObjectInfo(String key, long size, long lastModifiedMillis, String eTag) {
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        if (size < 0) {
            throw new IllegalArgumentException("object size must be >= 0, was " + size + " for " + key);
        }
    }

    /** Whether this is the version of the key with that size and eTag; a null eTag compares the size only. */
    public boolean isVersion(long size, String eTag) {
        return this.size == size && (eTag == null || eTag.equals(this.eTag));
    }
}
