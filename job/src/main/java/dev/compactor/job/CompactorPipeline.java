package dev.compactor.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Assembles the compaction job's operators on an environment. (Body lands from the main branch.) */
public final class CompactorPipeline {
    private CompactorPipeline() {}

    public static void build(StreamExecutionEnvironment env, Configuration conf) {
        throw new UnsupportedOperationException("pipeline lands from the main branch");
    }
}
