package dev.compactor.job.demo;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;

import java.io.IOException;

/** How many objects of each kind the bucket holds right now, from one listing per prefix. */
public record BucketCensus(int pendingFiles, int compactedFiles, int manifests, int quarantined) {

    public static BucketCensus take(ObjectStore store, BucketLayout layout) throws IOException {
        int pending = 0;
        int compacted = 0;
        for (ObjectInfo object : store.list(layout.dataPrefix())) {
            String name = object.key().substring(object.key().lastIndexOf('/') + 1);
            if (name.startsWith(BucketLayout.COMPACTED_FILE_PREFIX)) {
                compacted++;
            } else if (name.endsWith(".parquet")) {
                pending++;
            }
        }
        int manifests = (int) store.list(BucketLayout.MANIFEST_PREFIX).stream()
                .filter(o -> o.key().endsWith(".json"))
                .count();
        int quarantined = (int) store.list(BucketLayout.QUARANTINE_PREFIX).stream()
                .filter(o -> !o.key().endsWith(BucketLayout.REASON_SUFFIX))
                .count();
        return new BucketCensus(pending, compacted, manifests, quarantined);
    }
}
