package dev.compactor.savepoints.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalDirectory;
import dev.compactor.job.OptionReader;
import dev.compactor.job.TableTargets;
import dev.compactor.job.cli.FlinkOptions;
import dev.compactor.job.cli.HelpOption;
import dev.compactor.layout.BucketLayout;
import dev.compactor.savepoints.verify.Finding;
import dev.compactor.savepoints.verify.ManifestCheck;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.table.DeltaTableFiles;
import dev.compactor.table.DeltaTarget;
import dev.compactor.table.IcebergTableFiles;
import dev.compactor.table.IcebergTarget;
import dev.compactor.table.TableFiles;
import dev.compactor.table.TableTarget;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "verify", description = "Check a bucket against its manifests: outputs with the listed row count and "
        + "SHA-256, no listed source left, no staging left for a committed window; for a manifest rolled back by "
        + "'uncompact', its sources back and its outputs and retained copies gone. With the job's "
        + "--compaction.target-format iceberg (and its catalog options) or delta, also each namespace's table: every output "
        + "of a committed manifest is one of its data files, none listed twice. Exits 1 on any mismatch. "
        + "Run it while the job is stopped or idle.")
final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bucket", required = true, paramLabel = "DIR", description = "The bucket: a directory or file:// URI.")
    String bucket;

    @Option(names = "--namespace", paramLabel = "NS", description = "Only this namespace.")
    String namespace;

    @Option(names = "--data-prefix", paramLabel = "PREFIX", defaultValue = "data/",
            description = "The job's compaction.data-prefix (default: ${DEFAULT-VALUE}).")
    String dataPrefix;

    @Mixin
    HelpOption help;

    /** The job's table options (compaction.target-format, compaction.iceberg.catalog.*, ...). */
    @Mixin
    FlinkOptions options;

    @Override
    public Integer call() throws Exception {
        Path root = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket);
        if (!Files.isDirectory(root)) {
            throw new ParameterException(spec.commandLine(), "--bucket " + root + " is not a directory");
        }
        TableTarget target = options.use(conf -> {
            conf.set(CompactorOptions.BUCKET, root.toString());
            OptionReader.checkAll(conf, CompactorOptions.all());
            return TableTargets.of(conf);
        });
        LocalObjectStore store = new LocalObjectStore(root);
        ManifestCheck.Report report;
        if (target instanceof IcebergTarget || target instanceof DeltaTarget) {
            try (TableFiles tables = target instanceof IcebergTarget iceberg ? new IcebergTableFiles(iceberg)
                    : new DeltaTableFiles((DeltaTarget) target)) {
                report = new ManifestCheck(store, new BucketLayout(dataPrefix), tables).check(namespace);
            }
        } else {
            report = new ManifestCheck(store, new BucketLayout(dataPrefix)).check(namespace);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Finding finding : report.findings()) {
            out.println(finding);
        }
        out.printf("%d manifests, %d outputs checked: %s%n", report.manifests(), report.outputs(),
                report.clean() ? "everything matches" : report.findings().size() + " mismatches");
        return report.clean() ? 0 : 1;
    }
}
