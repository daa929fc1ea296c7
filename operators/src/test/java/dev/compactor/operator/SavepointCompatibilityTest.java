package dev.compactor.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.compactor.commit.StagedWindowCodec;
import dev.compactor.commit.StagedWindowSerializer;
import dev.compactor.merge.StagedWindow;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A savepoint of release {@value ReleaseState#RELEASE} restores into this build, as Flink's
 * {@code *SerializerUpgradeTest}s check it: per state, the serializer snapshot the savepoint stored must resolve
 * against today's serializer as compatible (as is, after migration or reconfigured), the stored bytes must read
 * back with the serializer the backend would then use, and every field they held must come back with its value.
 * A field renamed, retyped or dropped, a state renamed or retyped, a class moved: each fails here, not on a
 * production restore. If such a change is deliberate, say so in the compatibility table of docs/operations.md and store the
 * new release's state ({@link ReleaseStateWriter}).
 */
class SavepointCompatibilityTest {

    /** The states the release stored, listed here so that a lost resource fails rather than shrinks the test. */
    private static final List<String> STORED = List.of(ReleaseState.KEY, "windows", "latest-generation", "files",
            "window-writers", "writers", "namespace", "priority-override", "last-compaction", "last-command",
            "quarantined", "quarantined-count", "status", "snapshots");

    @TestFactory
    Stream<DynamicTest> everyStoredStateRestoresWithItsValues() throws ReflectiveOperationException {
        Map<String, TypeSerializer<?>> current = ReleaseState.currentSerializers();
        return STORED.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            TypeSerializer<?> serializer = current.get(name);
            assertNotNull(serializer, "release " + ReleaseState.RELEASE + " has state '" + name
                    + "' that this build no longer declares (renamed or removed): a savepoint's value is orphaned");
            assertRestores(name, serializer);
        }));
    }

    private static <T> void assertRestores(String name, TypeSerializer<T> serializer) throws IOException {
        TypeSerializerSnapshot<T> stored = TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(resource(name + ".snapshot")), SavepointCompatibilityTest.class.getClassLoader());
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(stored);
        assertFalse(compatibility.isIncompatible(), "state '" + name + "' of release " + ReleaseState.RELEASE
                + " cannot be restored: this build's serializer is incompatible with the stored " + stored.getClass().getSimpleName());

        // what the state backend does on restore: read with the old serializer when the data must be migrated
        TypeSerializer<T> reader = compatibility.isCompatibleAsIs() ? serializer
                : compatibility.isCompatibleWithReconfiguredSerializer() ? compatibility.getReconfiguredSerializer()
                : stored.restoreSerializer();
        DataInputDeserializer bytes = new DataInputDeserializer(resource(name + ".bin"));
        T restored = reader.deserialize(bytes);
        assertEquals(0, bytes.available(), "state '" + name + "': bytes left after reading the stored value");

        JsonNode expected = ReleaseState.FIELDS.readTree(resource(name + ".json"));
        assertKept(expected, ReleaseState.FIELDS.valueToTree(restored), name);
    }

    @Test
    void theCommitSinksCommittableRestores() throws IOException {
        int version = new StagedWindowSerializer().getVersion();
        byte[] stored = resource(ReleaseState.COMMITTABLE + version + ".bin");

        StagedWindow restored = new StagedWindowSerializer().deserialize(version, stored);

        assertKept(ReleaseState.FIELDS.readTree(stored), ReleaseState.FIELDS.readTree(StagedWindowCodec.toJson(restored)),
                "committable");
    }

    /**
     * Every field the release stored is restored with its value. A field the release did not have may be present
     * (Flink's POJO migration adds it at its default).
     */
    private static void assertKept(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            assertTrue(actual != null && actual.isObject(), path + ": expected an object, restored " + actual);
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!actual.has(field.getKey())) {
                    fail(path + "." + field.getKey() + " was stored by release " + ReleaseState.RELEASE
                            + " and is lost on restore (field renamed or removed)");
                }
                assertKept(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey());
            }
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path + ": elements");
            for (int i = 0; i < expected.size(); i++) {
                assertKept(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else {
            // as JSON text: a number read from the file and one taken from a long field are different node types
            assertEquals(expected.toString(), String.valueOf(actual), path);
        }
    }

    private static byte[] resource(String file) throws IOException {
        String path = "/" + ReleaseState.DIR + "/" + file;
        try (InputStream in = SavepointCompatibilityTest.class.getResourceAsStream(path)) {
            assertNotNull(in, "missing " + path + " (see ReleaseStateWriter)");
            return in.readAllBytes();
        }
    }
}
