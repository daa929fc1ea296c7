package dev.compactor.savepoints;

import dev.compactor.job.CompactorPipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * WindowTracker's keyed state in a savepoint or retained checkpoint, as JSON: one object per key with its windows,
 * generations, pending files, writers per window and known writers. What an operator reads when the status API is
 * down.
 */
public final class StateDump {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateDump() {}

    /** Every key's state, sorted by key; only the keys of {@code namespace} unless it is null. */
    public static List<JsonNode> read(String savepointPath, String namespace) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        // RocksDB reads both the canonical savepoint format and the job's native incremental checkpoints
        SavepointReader savepoint = SavepointReader.read(env, savepointPath, new EmbeddedRocksDBStateBackend());
        List<JsonNode> keys = new ArrayList<>();
        try (CloseableIterator<String> rows = savepoint.readKeyedState(
                OperatorIdentifier.forUid(CompactorPipeline.UID_TRACKER), new TrackerStateReader(namespace),
                Types.STRING, Types.STRING).executeAndCollect()) {
            while (rows.hasNext()) {
                String row = rows.next();
                if (!row.equals(TrackerStateReader.SKIPPED_KEY)) {
                    keys.add(JSON.readTree(row));
                }
            }
        }
        keys.sort(Comparator.comparing(node -> node.get("key").asText()));
        return keys;
    }
}
