package dev.compactor.savepoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real savepoint of release {@value #RELEASE} (stored by {@link ReleaseSavepointWriter}) still reads with this
 * build's State Processor API reader: every key, window, file and writer the release's dump printed is there with
 * its values. Complements the operators' {@code SavepointCompatibilityTest} with Flink's own savepoint metadata and
 * the tracker's uid and state names.
 */
class ReleaseSavepointTest {

    static final String RELEASE = "0.1.0";
    static final Path SOURCE_DIR = Path.of("src/test/resources/savepoint-compat", RELEASE);
    static final String DUMP = "expected-dump.json";

    @Test
    void theReleasesSavepointDumpsAsItDid() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path dir = Path.of(ReleaseSavepointTest.class.getResource("/savepoint-compat/" + RELEASE).toURI());
        JsonNode expected = mapper.readTree(Files.readAllBytes(dir.resolve(DUMP)));

        List<JsonNode> keys = StateDump.read(dir.toString(), null);

        assertTrue(expected.size() > 0, "the stored dump has no keys");
        assertKept(expected, mapper.readTree(mapper.writeValueAsString(keys)), "dump");
    }

    /** Every field the release's dump printed is printed again with its value; new fields may be added. */
    private static void assertKept(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            assertTrue(actual != null && actual.isObject(), path + ": expected an object, read " + actual);
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!actual.has(field.getKey())) {
                    fail(path + "." + field.getKey() + " is in release " + RELEASE + "'s savepoint and lost on restore");
                }
                assertKept(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey());
            }
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path + ": elements");
            for (int i = 0; i < expected.size(); i++) {
                assertKept(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else {
            assertEquals(expected, actual, path);
        }
    }
}
