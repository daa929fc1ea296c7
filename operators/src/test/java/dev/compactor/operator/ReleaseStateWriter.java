package dev.compactor.operator;

import dev.compactor.commit.StagedWindowSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stores the state of a release for {@link SavepointCompatibilityTest}. Run it only when cutting a release whose
 * state is meant to become the new baseline (it never runs otherwise):
 *
 * <pre>
 * mvn -B -pl operators -am test -Dtest=ReleaseStateWriter -Dsurefire.failIfNoSpecifiedTests=false -Dcompat.write=true
 * </pre>
 *
 * after setting {@link ReleaseState#RELEASE}; then commit the new directory and keep the older ones' tests or drop
 * them knowingly. Per state it writes {@code NAME.snapshot} (the serializer snapshot, as a savepoint's metadata
 * holds it), {@code NAME.bin} (the sample value in that serializer's form, as the state backend holds it) and
 * {@code NAME.json} (the sample's public fields, what the restored value must still carry).
 */
@EnabledIfSystemProperty(named = "compat.write", matches = "true")
class ReleaseStateWriter {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void writeReleaseState() throws Exception {
        Path dir = ReleaseState.SOURCE_DIR;
        Files.createDirectories(dir);
        Map<String, Object> samples = ReleaseState.samples();
        for (Map.Entry<String, TypeSerializer<?>> state : ReleaseState.currentSerializers().entrySet()) {
            String name = state.getKey();
            if (!samples.containsKey(name)) {
                throw new IllegalStateException("state " + name + " has no sample in ReleaseState.samples()");
            }
            TypeSerializer serializer = state.getValue();
            DataOutputSerializer snapshot = new DataOutputSerializer(256);
            TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(snapshot,
                    serializer.snapshotConfiguration());
            Files.write(dir.resolve(name + ".snapshot"), snapshot.getCopyOfBuffer());
            DataOutputSerializer value = new DataOutputSerializer(256);
            serializer.serialize(samples.get(name), value);
            Files.write(dir.resolve(name + ".bin"), value.getCopyOfBuffer());
            ReleaseState.FIELDS.writeValue(dir.resolve(name + ".json").toFile(), samples.get(name));
        }
        StagedWindowSerializer committables = new StagedWindowSerializer();
        Files.write(dir.resolve(ReleaseState.COMMITTABLE + committables.getVersion() + ".bin"),
                committables.serialize(ReleaseState.committable()));
    }
}
