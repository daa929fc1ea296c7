package dev.compactor.job;

import dev.compactor.window.SchedulingRules;

import org.apache.flink.configuration.Configuration;

import java.time.Duration;

/**
 * Scheduling rules under which no window becomes ready within a benchmark run, so WindowTracker keeps every file it is
 * sent in state. Built through the job's own option mapping so changes to the rules' constructor do not reach here.
 */
public final class NeverReadyRules {

    private NeverReadyRules() {}

    public static SchedulingRules create() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.MIN_FILES, Integer.MAX_VALUE);
        conf.set(CompactorOptions.FORCE_AFTER, Duration.ofDays(3650));
        return CompactorPipeline.schedulingRules(conf);
    }
}
