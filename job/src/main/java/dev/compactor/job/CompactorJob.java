package dev.compactor.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Entry point on a Flink cluster ({@code flink run}, the REST API's {@code /jars/{id}/run}, or the Kubernetes
 * operator's application mode): reads {@code --bucket DIR --<key> <value>...} from the program arguments, on top
 * of the cluster's own configuration, and submits the compaction pipeline.
 *
 * <p>State backend, checkpoint storage, restart strategy and the like belong to the cluster configuration; a
 * program argument such as {@code --execution.checkpointing.interval "30 s"} overrides them for this job only.
 */
public final class CompactorJob {

    public static final String JOB_NAME = LocalRunner.JOB_NAME;

    /** Used only when neither the cluster nor the arguments enable checkpointing: without it nothing commits. */
    static final Duration FALLBACK_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(CompactorJob.class);

    private CompactorJob() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = jobConfiguration(List.of(args));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            // the commit sink publishes only on completed checkpoints; a job without them would never compact
            LOG.warn("Checkpointing is not configured; enabling it every {}", FALLBACK_CHECKPOINT_INTERVAL);
            env.enableCheckpointing(FALLBACK_CHECKPOINT_INTERVAL.toMillis());
        }
        CompactorPipeline.build(env, conf);
        env.execute(JOB_NAME);
    }

    /** The job's options from its arguments, checked, with the bucket made absolute. */
    static Configuration jobConfiguration(List<String> args) {
        Configuration conf = OptionArguments.parse(args);
        OptionReader.checkAll(conf, CompactorOptions.all());
        String bucket = conf.getOptional(CompactorOptions.BUCKET).orElse(null);
        conf.set(CompactorOptions.BUCKET, LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket).toString());
        return conf;
    }
}
