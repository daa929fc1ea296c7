package dev.compactor.job;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;

import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Random faults, as a {@link FaultyStore} plan over the local bucket, at every step of a compaction that can fail: a
 * task failure (an {@link Error}, as a crashed process) or a store error (an {@link IOException}) while a merge writes
 * its parts,
 * while it writes its staged marker, when the commit publishes a part, when it writes the manifest, when it
 * deletes sources, and when the source lists the bucket (or the tracker its manifests). {@link ChaosCheckpoints}
 * draws on the same budget for faults while a checkpoint is taken and when it completes. It also checks on every
 * source deletion that a manifest already lists the source.
 * The state is static: the MiniCluster runs in the test's JVM and recreates the store after every restart.
 */
final class ChaosFaults implements FaultyStore.Plan {

    /** The failure points, with how likely an eligible call fails: rare calls get a higher chance. */
    enum Site {
        STAGING_PART(0.2), STAGED_MARKER(0.4), PUBLISH(0.4), MANIFEST(0.4), SOURCE_DELETE(0.05), LISTING(0.02),
        CHECKPOINT_SNAPSHOT(0.1), CHECKPOINT_NOTIFY(0.1);

        final double probability;

        Site(double probability) {
            this.probability = probability;
        }
    }

    static final class InjectedCrash extends Error {
        InjectedCrash(Site site) {
            super("injected task failure at " + site);
        }
    }

    /** Faults still to inject, per site, so every step gets its share. */
    static final FaultBudget<Site> BUDGET = new FaultBudget<>(Site.class);
    static final Queue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();

    /** The bucket itself, without faults, where the check on deletions reads the manifests. */
    private final ObjectStore bucket;

    ChaosFaults(ObjectStore bucket) {
        this.bucket = bucket;
    }

    static void start(long seed, int faultsPerSite) {
        BUDGET.start(seed, faultsPerSite);
        VIOLATIONS.clear();
    }

    static void maybeFail(Site site) throws IOException {
        if (!BUDGET.draw(site, site.probability)) {
            return;
        }
        boolean crash = BUDGET.coin();
        BUDGET.count((crash ? "task failure at " : "store error at ") + site);
        if (crash) {
            throw new InjectedCrash(site);
        }
        throw new IOException("injected store error at " + site);
    }

    @Override
    public void before(FaultyStore.Call call) throws IOException {
        String key = call.key();
        switch (call.op()) {
            case LIST -> maybeFail(Site.LISTING);
            case OUTPUT -> {
                if (key.startsWith(BucketLayout.STAGING_PREFIX)) {
                    maybeFail(Site.STAGING_PART);
                }
            }
            // The commit writes its manifest create-only; both writes are WRITE calls.
            case WRITE -> {
                if (key.endsWith(BucketLayout.STAGED_MARKER)) {
                    maybeFail(Site.STAGED_MARKER);
                } else if (key.startsWith(BucketLayout.MANIFEST_PREFIX)) {
                    maybeFail(Site.MANIFEST);
                }
            }
            case MOVE -> {
                if (call.target().startsWith("data/")) {
                    maybeFail(Site.PUBLISH);
                }
            }
            case DELETE -> {
                if (isSource(key)) {
                    maybeFail(Site.SOURCE_DELETE);
                    if (!listedInAManifest(key)) {
                        VIOLATIONS.add("deleted before a manifest listed it: " + key);
                    }
                }
            }
            default -> { }
        }
    }

    private static boolean isSource(String key) {
        return key.startsWith("data/") && !key.contains("/" + BucketLayout.COMPACTED_FILE_PREFIX);
    }

    private boolean listedInAManifest(String key) throws IOException {
        String namespace = key.substring("data/".length(), key.lastIndexOf('/'));
        List<ObjectInfo> manifests = bucket.list(BucketLayout.MANIFEST_PREFIX + namespace + "/");
        for (ObjectInfo m : manifests) {
            Manifest manifest = ManifestCodec.fromJson(bucket.read(m.key()));
            if (manifest.inputs().stream().anyMatch(i -> i.key().equals(key))
                    || manifest.quarantined().stream().anyMatch(q -> q.key().equals(key))) {
                return true;
            }
        }
        return false;
    }
}
