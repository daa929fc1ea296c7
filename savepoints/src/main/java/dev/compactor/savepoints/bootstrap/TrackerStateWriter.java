package dev.compactor.savepoints.bootstrap;

import dev.compactor.operator.TrackerState;
import dev.compactor.window.FileRecord;
import dev.compactor.window.ReadinessRule;
import dev.compactor.window.SchedulingRules;
import dev.compactor.window.WindowRecord;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

import java.util.Map;

/**
 * Writes one key's rebuilt state into WindowTracker's state, and the event-time timers the tracker would have
 * registered when the files arrived: without them a restored window would wait for a file that never comes.
 */
final class TrackerStateWriter extends KeyedStateBootstrapFunction<String, TrackerKeyState> {
    private static final long serialVersionUID = 1L;

    private final SchedulingRules rules;

    private transient ReadinessRule readiness;
    private transient MapState<String, WindowRecord> windows;
    private transient MapState<Long, Integer> latestGeneration;
    private transient MapState<String, FileRecord> files;
    private transient MapState<String, Boolean> windowWriters;
    private transient MapState<String, Long> writers;
    private transient ValueState<String> namespace;

    TrackerStateWriter(SchedulingRules rules) {
        this.rules = rules;
    }

    /** Overrides the variant that every Flink 1.20 open path reaches, as TrackerStateReader does. */
    @Override
    public void open(Configuration parameters) {
        readiness = new ReadinessRule(rules.windows());
        windows = getRuntimeContext().getMapState(TrackerState.windows());
        latestGeneration = getRuntimeContext().getMapState(TrackerState.latestGeneration());
        files = getRuntimeContext().getMapState(TrackerState.files());
        windowWriters = getRuntimeContext().getMapState(TrackerState.windowWriters());
        writers = getRuntimeContext().getMapState(TrackerState.writers());
        namespace = getRuntimeContext().getState(TrackerState.namespace());
    }

    @Override
    public void processElement(TrackerKeyState state, Context ctx) throws Exception {
        windows.putAll(state.windows);
        latestGeneration.putAll(state.latestGeneration);
        files.putAll(state.files);
        for (String windowWriter : state.windowWriters) {
            windowWriters.put(windowWriter, Boolean.TRUE);
        }
        writers.putAll(state.writers);
        for (Map.Entry<String, WindowRecord> entry : state.windows.entrySet()) {
            WindowRecord window = entry.getValue();
            namespace.update(window.namespace); // the status names it; a key's windows share one
            long waitAfterEnd = rules.priorities().waitAfterEndMs(rules.priorities().priorityOf(window.namespace));
            for (long t : readiness.checkTimes(window, waitAfterEnd)) {
                ctx.timerService().registerEventTimeTimer(t);
            }
        }
    }
}
