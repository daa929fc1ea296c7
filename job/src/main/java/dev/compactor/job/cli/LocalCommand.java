package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalRunner;
import dev.compactor.job.api.RunningApi;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "local",
        description = "Run the compaction job in this process on a bucket (a local directory, or s3://bucket/prefix), "
                + "with the Flink dashboard, until Ctrl-C.")
final class LocalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bucket", required = true, paramLabel = "DIR|URI",
            description = "The bucket: a directory path or file:// URI (created when missing), or s3://bucket/prefix.")
    String bucket;

    @Option(names = "--fresh",
            description = "Start with empty state instead of resuming from the newest checkpoint in the state directory.")
    boolean fresh;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    /** The checked configuration of the run, complete with local-mode defaults. */
    Configuration configuration() {
        return options.use(conf -> {
            conf.set(CompactorOptions.BUCKET, bucket);
            if (fresh) {
                conf.set(CompactorOptions.RESUME, false);
            }
            return LocalRunner.localConfiguration(conf);
        });
    }

    @Override
    public Integer call() throws Exception {
        return runInForeground(spec, configuration());
    }

    /** Starts the job in this process, tells the user what it restored and where to look, and waits for Ctrl-C. */
    static int runInForeground(CommandSpec spec, Configuration conf) throws Exception {
        LocalRunner runner = LocalRunner.of(conf);
        Optional<String> restore = runner.restorePath();
        PrintWriter out = spec.commandLine().getOut();
        out.println(restore.map(path -> "Restoring state from " + path)
                .orElse("Starting with empty state (no checkpoint to resume; the job rebuilds it from the bucket)"));
        JobClient job = runner.start(restore);
        out.printf("Compacting bucket %s%nDashboard: %s%n", runner.bucket(), runner.dashboardUrl());
        RunningApi api = LocalStatusApi.start(runner.configuration(), job, out);
        out.printf("Logs: %s%nPress Ctrl-C to stop.%n", System.getProperty("log.file", "(log4j default)"));
        return new ForegroundJob(job, List.of(api::close), out).await();
    }
}
