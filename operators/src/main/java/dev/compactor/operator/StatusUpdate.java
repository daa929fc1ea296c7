package dev.compactor.operator;

/**
 * A WindowTracker key's newest status snapshot (JSON of {@link dev.compactor.status.NamespaceSnapshot}), on its way
 * to {@link StatusSummary}; a null snapshot means the key tracks nothing any more. A Flink POJO.
 */
public class StatusUpdate {
    public String trackerKey;
    public String snapshotJson;

    public StatusUpdate() {}

    public StatusUpdate(String trackerKey, String snapshotJson) {
        this.trackerKey = trackerKey;
        this.snapshotJson = snapshotJson;
    }
}
