package dev.compactor.operator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Collects every WindowTracker key's newest status snapshot under one fixed key, queryable as
 * {@value #QUERYABLE_NAME}, so the status API can judge the whole job's health, and merge the shards of a sharded
 * namespace, without knowing the keys in advance. One map entry per tracker key: an update touches one entry.
 */
@Internal
public class StatusSummary extends KeyedProcessFunction<String, StatusUpdate, Void> {
    private static final long serialVersionUID = 1L;

    public static final String QUERYABLE_NAME = "compaction-summary";
    /** The one key everything is kept under. */
    public static final String KEY = "all";

    /** tracker key → JSON of its NamespaceSnapshot; the descriptor the status API queries with. */
    public static MapStateDescriptor<String, String> descriptor() {
        return new MapStateDescriptor<>("snapshots", Types.STRING, Types.STRING);
    }

    /** Routes every update to {@link #KEY}. */
    public static KeySelector<StatusUpdate, String> keySelector() {
        return update -> KEY;
    }

    private transient MapState<String, String> snapshots;

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, String> descriptor = descriptor();
        descriptor.setQueryable(QUERYABLE_NAME);
        snapshots = getRuntimeContext().getMapState(descriptor);
    }

    @Override
    public void processElement(StatusUpdate update, Context ctx, Collector<Void> out) throws Exception {
        if (update.snapshotJson == null) {
            snapshots.remove(update.trackerKey);
        } else {
            snapshots.put(update.trackerKey, update.snapshotJson);
        }
    }
}
