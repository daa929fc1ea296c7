package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalRunner;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "restore", description = "Run the job in this process like 'local', starting from a savepoint or "
        + "retained checkpoint: one from 'savepoint', or one 'state bootstrap' rebuilt from the bucket.")
final class RestoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "PATH",
            description = "The savepoint or retained checkpoint directory (path or URI).")
    String from;

    @Option(names = "--bucket", required = true, paramLabel = "DIR|URI",
            description = "The bucket: a directory path or file:// URI, or s3://bucket/prefix.")
    String bucket;

    @Option(names = "--allow-non-restored-state", description = "Start even if the savepoint holds state of an "
            + "operator this job does not have (e.g. one taken with the other events source).")
    boolean allowNonRestoredState;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    Configuration configuration() {
        return options.use(conf -> {
            conf.set(CompactorOptions.BUCKET, bucket);
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, from);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
            return LocalRunner.localConfiguration(conf);
        });
    }

    @Override
    public Integer call() throws Exception {
        return LocalCommand.runInForeground(spec, configuration());
    }
}
