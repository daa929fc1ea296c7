package dev.compactor.commit;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;

import java.io.IOException;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The bucket's own record of which generations of a window were committed: the manifests under
 * {@code _manifests/{ns}/{ws}-g{gen}.json}. The tracker's state holds the same ledger, but a job that starts without
 * state learns old commits only from events; a Kinesis stream keeps a day to a week of them. Asking the bucket before
 * handing out a window's first generation keeps a new file of an old window from reusing a committed generation,
 * whose manifest would make its merge look already committed and leave the file unmerged.
 */
public final class ManifestLedger {

    private static final String MANIFEST_SUFFIX = ".json";

    private final ObjectStore store;
    private final BucketLayout layout;

    public ManifestLedger(ObjectStore store, BucketLayout layout) {
        this.store = Objects.requireNonNull(store, "store");
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    /** The newest generation of the window that has a manifest; empty when none was ever committed. */
    public OptionalInt newestCommitted(String namespace, long windowStart) throws IOException {
        String prefix = layout.manifestWindowPrefix(namespace, windowStart);
        int newest = -1;
        for (ObjectInfo manifest : store.list(prefix)) {
            String key = manifest.key();
            if (!key.endsWith(MANIFEST_SUFFIX)) {
                continue;
            }
            String generation = key.substring(prefix.length(), key.length() - MANIFEST_SUFFIX.length());
            // Anything else under the prefix (a hand-made copy, "3.json.bak" ends otherwise) is no generation of ours.
            if (!generation.isEmpty() && generation.length() < 10 && generation.chars().allMatch(Character::isDigit)) {
                newest = Math.max(newest, Integer.parseInt(generation));
            }
        }
        return newest < 0 ? OptionalInt.empty() : OptionalInt.of(newest);
    }
}
