package dev.compactor.savepoints.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalDirectory;
import dev.compactor.job.cli.HelpOption;
import dev.compactor.layout.BucketLayout;
import dev.compactor.savepoints.verify.Finding;
import dev.compactor.savepoints.verify.ManifestCheck;
import dev.compactor.store.LocalObjectStore;

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
        + "'uncompact', its sources back and its outputs and retained copies gone. Exits 1 on any mismatch. "
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

    @Override
    public Integer call() throws Exception {
        Path root = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket);
        if (!Files.isDirectory(root)) {
            throw new ParameterException(spec.commandLine(), "--bucket " + root + " is not a directory");
        }
        LocalObjectStore store = new LocalObjectStore(root);
        ManifestCheck.Report report = new ManifestCheck(store, new BucketLayout(dataPrefix)).check(namespace);
        PrintWriter out = spec.commandLine().getOut();
        for (Finding finding : report.findings()) {
            out.println(finding);
        }
        out.printf("%d manifests, %d outputs checked: %s%n", report.manifests(), report.outputs(),
                report.clean() ? "everything matches" : report.findings().size() + " mismatches");
        return report.clean() ? 0 : 1;
    }
}
