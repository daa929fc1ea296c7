package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.events.ControlCommand;
import dev.compactor.window.WindowRules;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.java.functions.KeySelector;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The WindowTracker key of an event: its namespace, or {@code namespace#windowStart} for namespaces with
 * time-bucket sharding, so one hot namespace spreads its windows over the tracker's subtasks (the runbook's answer
 * to more than 1000 writes/s). Within a shard, the writers a window waits for are those of that window.
 */
@Internal
public final class TrackerKey implements KeySelector<BucketEvent, String> {
    private static final long serialVersionUID = 1L;

    private final Set<String> shardedNamespaces;
    private final WindowRules rules;

    public TrackerKey(Set<String> shardedNamespaces, WindowRules rules) {
        this.shardedNamespaces = new TreeSet<>(Objects.requireNonNull(shardedNamespaces, "shardedNamespaces"));
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    @Override
    public String getKey(BucketEvent e) {
        // Rollback, trigger and uncompact name a window: the other commands of a sharded namespace reach its
        // unsharded key alone.
        boolean namesNoWindow = e.type == BucketEvent.Type.CONTROL
                && !ControlCommand.Kind.ROLLBACK.name().equals(e.command)
                && !ControlCommand.Kind.TRIGGER.name().equals(e.command)
                && !ControlCommand.Kind.UNCOMPACT.name().equals(e.command);
        if (!shardedNamespaces.contains(e.namespace) || namesNoWindow) {
            return e.namespace;
        }
        long windowStart = switch (e.type) {
            case FILE_ADDED, FILE_REMOVED, FILE_QUARANTINED -> rules.windowStartOf(e.fileTimeMillis);
            case WINDOW_STAGED, WINDOW_PROGRESS, WINDOW_FAILED, WINDOW_COMMITTED, CONTROL -> e.windowStart;
        };
        return e.namespace + "#" + windowStart;
    }
}
