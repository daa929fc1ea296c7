package dev.compactor.savepoints.cli;

import dev.compactor.job.BucketLocation;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.CompactorPipeline;
import dev.compactor.job.LocalDirectory;
import dev.compactor.job.OptionReader;
import dev.compactor.job.cli.FlinkOptions;
import dev.compactor.job.cli.HelpOption;
import dev.compactor.layout.BucketLayout;
import dev.compactor.savepoints.bootstrap.BootstrapPlan;
import dev.compactor.savepoints.bootstrap.StateBootstrap;
import dev.compactor.store.ObjectStore;
import dev.compactor.window.SchedulingRules;

import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "bootstrap", description = "Rebuild WindowTracker's state from a bucket listing and its manifests "
        + "into a new savepoint (after the checkpoints were lost). Deletes sources a manifest already lists. Takes "
        + "the job's own options (e.g. --compaction.window-size 5min), which must match the job that restores it.")
final class StateBootstrapCommand implements Callable<Integer> {

    /** Flink's default for jobs up to 85 subtasks; a job restores a savepoint only with the same value. */
    static final int DEFAULT_MAX_PARALLELISM = 128;

    @Spec
    CommandSpec spec;

    @Option(names = "--bucket", required = true, paramLabel = "DIR|URI",
            description = "The bucket: a directory path or file:// URI, or s3://bucket/prefix.")
    String bucket;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "Directory (path or URI) to write the savepoint to; start the job from it.")
    String out;

    @Option(names = "--max-parallelism", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_PARALLELISM,
            description = "The job's max parallelism (default ${DEFAULT-VALUE}).")
    int maxParallelism;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    Configuration configuration() {
        return options.use(conf -> {
            conf.set(CompactorOptions.BUCKET, bucket);
            OptionReader.checkAll(conf, CompactorOptions.all());
            if (!BucketLocation.isS3(bucket)) {
                // a mistyped directory would read as an empty bucket
                Path root = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket);
                if (!Files.isDirectory(root)) {
                    throw new ParameterException(spec.commandLine(), "--bucket " + root + " is not a directory");
                }
                conf.set(CompactorOptions.BUCKET, root.toString());
            }
            return conf;
        });
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = configuration();
        SchedulingRules rules = CompactorPipeline.schedulingRules(conf);
        BucketLayout layout = new BucketLayout(conf.get(CompactorOptions.DATA_PREFIX));
        PrintWriter console = spec.commandLine().getOut();
        try (ObjectStore store = BucketLocation.storeFactory(conf).open()) {
            BootstrapPlan plan = StateBootstrap.plan(store, layout, rules,
                    Set.copyOf(conf.get(CompactorOptions.SHARDED_NAMESPACES)));
            if (plan.keys().isEmpty()) {
                console.printf("The bucket holds no sources and no manifests: there is no state to rebuild. Start "
                        + "the job fresh: bin/compactor local --fresh --bucket %s%n", bucket);
                return 0;
            }
            StateBootstrap.writeSavepoint(plan, rules, out, maxParallelism);
            StateBootstrap.deleteCompactedSources(store, plan);
            console.printf("Wrote savepoint %s: %d keys, %d pending windows with %d files; deleted %d sources "
                            + "already in committed outputs.%nStart the job from it, with the same options: "
                            + "bin/compactor restore --from %s --bucket %s%n", out, plan.keys().size(),
                    plan.pendingWindows(), plan.pendingFiles(), plan.compactedSources().size(), out, bucket);
        }
        return 0;
    }
}
