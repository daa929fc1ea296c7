package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.InvalidOptionException;
import dev.compactor.job.LocalRunner;
import dev.compactor.job.OptionArguments;
import dev.compactor.job.api.RunningApi;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

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

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Unmatched
    List<String> options = new ArrayList<>();

    /** The checked configuration of the run, complete with local-mode defaults. */
    Configuration configuration() {
        return localConfiguration(spec, bucket, options, conf -> {
            if (fresh) {
                conf.set(CompactorOptions.RESUME, false);
            }
        });
    }

    /**
     * A local run's configuration from the bucket and the {@code --<key> <value>} options, with a command's own
     * settings applied before the local-mode defaults; a bad option is a usage error of {@code spec}'s command.
     */
    static Configuration localConfiguration(CommandSpec spec, String bucket, List<String> options,
                                            Consumer<Configuration> commandSettings) {
        try {
            Configuration conf = OptionArguments.parse(options);
            conf.set(CompactorOptions.BUCKET, bucket);
            commandSettings.accept(conf);
            return LocalRunner.localConfiguration(conf);
        } catch (InvalidOptionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
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
