package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalRunner;
import dev.compactor.job.api.RunningApi;
import dev.compactor.job.demo.ProgressReporter;
import dev.compactor.job.demo.WriterSimulator;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.LocalObjectStore;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo",
        description = "Run the local job together with simulated writers and short windows, so files visibly "
                + "compact within a couple of minutes. Ctrl-C stops both.")
final class DemoCommand implements Callable<Integer> {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--bucket", paramLabel = "DIR", defaultValue = "./demo-bucket",
            description = "The bucket directory (default: ${DEFAULT-VALUE}); created when missing.")
    String bucket;

    @Option(names = "--writers", paramLabel = "N", defaultValue = "3", description = "Simulated writers (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--namespaces", paramLabel = "M", defaultValue = "3",
            description = "Namespaces each writer writes to: users, orders, events, ns4, ... (default: ${DEFAULT-VALUE}).")
    int namespaces;

    @Option(names = "--files-per-second", paramLabel = "RATE", defaultValue = "3",
            description = "Files written per second, all writers together (default: ${DEFAULT-VALUE}).")
    double filesPerSecond;

    @Option(names = "--rows-per-file", paramLabel = "ROWS", defaultValue = "200",
            description = "Rows in each simulated file (default: ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    /** Short windows and waits, so the demo compacts in minutes rather than hours; each can be overridden. */
    static Configuration demoDefaults() {
        Configuration conf = new Configuration();
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofMinutes(1));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(40)));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(20));
        conf.set(CompactorOptions.MIN_FILES, 5);
        conf.set(CompactorOptions.WRITER_INACTIVE_AFTER, Duration.ofMinutes(2));
        conf.set(CompactorOptions.POLL_INTERVAL, Duration.ofSeconds(1));
        conf.set(CompactorOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(5));
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(5));
        return conf;
    }

    Configuration configuration() {
        return options.use(given -> {
            Configuration conf = demoDefaults();
            conf.addAll(given);
            conf.set(CompactorOptions.BUCKET, bucket);
            return LocalRunner.localConfiguration(conf);
        });
    }

    WriterSimulator.Settings simulatorSettings() {
        try {
            return new WriterSimulator.Settings(writers, namespaces, filesPerSecond, rowsPerFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        WriterSimulator.Settings settings = simulatorSettings();
        LocalRunner runner = LocalRunner.of(configuration());
        Configuration conf = runner.configuration();
        LocalObjectStore store = new LocalObjectStore(runner.localBucket());
        BucketLayout layout = new BucketLayout(conf.get(CompactorOptions.DATA_PREFIX));
        WriterSimulator simulator = new WriterSimulator(store, layout, settings, Clock.systemUTC(), System.nanoTime());
        PrintWriter out = spec.commandLine().getOut();
        ProgressReporter progress = new ProgressReporter(store, layout, simulator, out, PROGRESS_EVERY);

        JobClient job = runner.start();
        out.printf("Demo: %d writers x %d namespaces %s, %.1f files/s, into %s%n", settings.writers(),
                settings.namespaces(), simulator.namespaces(), settings.filesPerSecond(), runner.bucket());
        out.printf("Windows of %s, compacted %s after they end at the default priority (min %d files).%n",
                TimeUtils.formatWithHighestUnit(conf.get(CompactorOptions.WINDOW_SIZE)),
                TimeUtils.formatWithHighestUnit(conf.get(CompactorOptions.PRIORITY_WAITS)
                        .get(conf.get(CompactorOptions.DEFAULT_PRIORITY))),
                conf.get(CompactorOptions.MIN_FILES));
        out.printf("Dashboard: %s%n", runner.dashboardUrl());
        RunningApi api = LocalStatusApi.start(conf, job, out);
        out.printf("Logs: %s%nPress Ctrl-C to stop.%n", System.getProperty("log.file", "(log4j default)"));
        simulator.start();
        progress.start();
        // the simulator stops before the job is cancelled, so the last progress line counts every file written
        return new ForegroundJob(job, List.of(simulator::stop, progress::stop, api::close), out).await();
    }
}
