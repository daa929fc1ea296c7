package dev.compactor.savepoints.bootstrap;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.job.CompactorPipeline;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.window.SchedulingRules;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code state bootstrap}: lists a bucket, plans WindowTracker's state ({@link BootstrapPlan}), writes it as a
 * savepoint of the tracker's uid, and only then deletes the sources that manifests already list, so a failed
 * write leaves the bucket as it was.
 */
public final class StateBootstrap {

    private StateBootstrap() {}

    public static BootstrapPlan plan(ObjectStore store, BucketLayout layout, SchedulingRules rules,
                                     Set<String> shardedNamespaces) throws IOException {
        List<Manifest> manifests = new ArrayList<>();
        for (ObjectInfo object : store.list(BucketLayout.MANIFEST_PREFIX)) {
            // An unreadable manifest fails the bootstrap: guessing would compact its window a second time.
            manifests.add(ManifestCodec.fromJson(store.read(object.key())));
        }
        return BootstrapPlan.of(store.list(layout.dataPrefix()), manifests, layout, rules.windows(),
                shardedNamespaces);
    }

    /** Writes the plan as a savepoint under {@code savepointPath} that the job restores with the same max parallelism. */
    public static void writeSavepoint(BootstrapPlan plan, SchedulingRules rules, String savepointPath,
                                      int maxParallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StateBootstrapTransformation<TrackerKeyState> tracker = OperatorTransformation
                .bootstrapWith(env.fromData(plan.keys(), TypeInformation.of(TrackerKeyState.class)))
                .keyBy(state -> state.key, Types.STRING)
                .transform(new TrackerStateWriter(rules));
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(), maxParallelism)
                .withOperator(OperatorIdentifier.forUid(CompactorPipeline.UID_TRACKER), tracker)
                .write(savepointPath);
        env.execute("state bootstrap");
    }

    public static void deleteCompactedSources(ObjectStore store, BootstrapPlan plan) throws IOException {
        for (Manifest.InputEntry source : plan.compactedSources()) {
            store.deleteVersion(source.key(), source.size(), source.eTag());
        }
    }
}
