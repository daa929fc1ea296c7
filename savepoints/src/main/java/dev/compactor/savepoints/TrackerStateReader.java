package dev.compactor.savepoints;

import dev.compactor.operator.TrackerState;
import dev.compactor.window.FileRecord;
import dev.compactor.window.RetainedSources;
import dev.compactor.window.WindowRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads WindowTracker's state of one key (a namespace, or {@code namespace#windowStart} when sharded) into one JSON
 * object, or {@link #SKIPPED_KEY} when the key belongs to another namespace than the one asked for.
 */
final class TrackerStateReader extends KeyedStateReaderFunction<String, String> {
    private static final long serialVersionUID = 1L;

    /** What a key of another namespace than the one asked for reads as; {@link StateDump} drops it. */
    static final String SKIPPED_KEY = "";

    /** Null for every namespace. */
    private final String namespace;

    private transient MapState<String, WindowRecord> windows;
    private transient MapState<Long, Integer> latestGeneration;
    private transient MapState<String, FileRecord> files;
    private transient MapState<String, Boolean> windowWriters;
    private transient MapState<String, Long> writers;
    private transient ValueState<Integer> priorityOverride;
    private transient ValueState<String> lastCommand;
    private transient ValueState<Long> lastCompaction;
    private transient ValueState<Long> quarantinedCount;
    private transient MapState<Long, String> heldWindows;
    private transient MapState<Long, String> windowOverrides;
    private transient MapState<String, RetainedSources> retainedSources;
    private transient ObjectMapper json;

    TrackerStateReader(String namespace) {
        this.namespace = namespace;
    }

    /** Flink 1.20 still calls this abstract variant rather than open(OpenContext). */
    @Override
    public void open(Configuration parameters) {
        windows = getRuntimeContext().getMapState(TrackerState.windows());
        latestGeneration = getRuntimeContext().getMapState(TrackerState.latestGeneration());
        files = getRuntimeContext().getMapState(TrackerState.files());
        windowWriters = getRuntimeContext().getMapState(TrackerState.windowWriters());
        writers = getRuntimeContext().getMapState(TrackerState.writers());
        priorityOverride = getRuntimeContext().getState(TrackerState.priorityOverride());
        lastCommand = getRuntimeContext().getState(TrackerState.lastCommand());
        lastCompaction = getRuntimeContext().getState(TrackerState.lastCompaction());
        quarantinedCount = getRuntimeContext().getState(TrackerState.quarantinedCount());
        heldWindows = getRuntimeContext().getMapState(TrackerState.heldWindows());
        windowOverrides = getRuntimeContext().getMapState(TrackerState.windowOverrides());
        retainedSources = getRuntimeContext().getMapState(TrackerState.retainedSources());
        json = new ObjectMapper();
    }

    @Override
    public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
        if (namespace != null && !TrackerKeys.belongsTo(key, namespace)) {
            // Flink 1.20's keyed state input ends the read at a key that emits nothing: emit a blank row instead.
            out.collect(SKIPPED_KEY);
            return;
        }
        ObjectNode node = json.createObjectNode();
        node.put("key", key);
        node.set("windows", json.valueToTree(sorted(windows.entries())));
        node.set("generations", json.valueToTree(sorted(latestGeneration.entries())));
        node.set("files", json.valueToTree(sorted(files.entries())));
        node.set("windowWriters", json.valueToTree(writersByWindow()));
        node.set("writers", json.valueToTree(sorted(writers.entries())));
        node.set("priorityOverride", json.valueToTree(priorityOverride.value()));
        node.set("lastCommand", json.valueToTree(lastCommand.value()));
        node.set("lastCompaction", json.valueToTree(lastCompaction.value()));
        node.set("quarantinedFiles", json.valueToTree(quarantinedCount.value()));
        // added with the runbook's trigger, retry and uncompact: empty in savepoints of earlier builds
        node.set("heldWindows", json.valueToTree(sorted(heldWindows.entries())));
        node.set("windowOverrides", json.valueToTree(sorted(windowOverrides.entries())));
        node.set("retainedSources", json.valueToTree(sorted(retainedSources.entries())));
        out.collect(json.writeValueAsString(node));
    }

    /** "{windowStart}-g{generation}" → its writers, from the flat "{window}/{writer}" entries. */
    private Map<String, TreeSet<String>> writersByWindow() throws Exception {
        Map<String, TreeSet<String>> byWindow = new TreeMap<>();
        for (String entry : windowWriters.keys()) {
            int slash = entry.indexOf('/');
            byWindow.computeIfAbsent(entry.substring(0, slash), w -> new TreeSet<>()).add(entry.substring(slash + 1));
        }
        return byWindow;
    }

    private static <K, V> Map<K, V> sorted(Iterable<Map.Entry<K, V>> entries) {
        Map<K, V> map = new TreeMap<>();
        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }
}
