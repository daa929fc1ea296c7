package dev.compactor.job.bridge;

import dev.compactor.events.ObjectEvent;
import dev.compactor.job.source.BucketListingDiff;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStore;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Announces the bucket's changes as S3 event notifications, found by diffing listings: what S3 → EventBridge →
 * Kinesis does in production, for stores that send no notifications (S3Proxy, MinIO without a queue, a laptop).
 * It announces every prefix the job acts on ({@link BucketLayout#eventPrefixes()}), as the production rule must:
 * without {@code _control/} and {@code _quarantine/}, control commands and quarantine counts never reach a
 * Kinesis-mode job. The first poll announces every existing object, as a backfill. Not thread-safe.
 */
public final class NotificationBridge {

    private final ObjectStore store;
    private final String bucket;
    private final String keyPrefix;
    private final String region;
    private final BiConsumer<String, String> publish;
    private final Clock clock;
    private final BucketListingDiff diff;

    /**
     * @param keyPrefix prepended to keys in notifications, as S3 names objects by their full key
     * @param publish   puts one record on the stream: (partition key, notification JSON)
     */
    public NotificationBridge(ObjectStore store, BucketLayout layout, String bucket, String keyPrefix, String region,
                              BiConsumer<String, String> publish, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.region = Objects.requireNonNull(region, "region");
        this.publish = Objects.requireNonNull(publish, "publish");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.diff = new BucketListingDiff(layout.eventPrefixes(), Map.of());
    }

    /** Lists the bucket once and announces what changed since the last poll; returns how many notifications. */
    public int poll() throws IOException {
        Instant now = clock.instant();
        List<ObjectEvent> events = diff.apply(store.list(""), now.toEpochMilli());
        for (ObjectEvent e : events) {
            String fullKey = keyPrefix + e.key;
            publish.accept(fullKey, e.action == ObjectEvent.Action.DELETED
                    ? S3EventNotification.removed(bucket, region, fullKey, now)
                    : S3EventNotification.created(bucket, region, fullKey, e.size, e.eTag, now));
        }
        return events.size();
    }
}
