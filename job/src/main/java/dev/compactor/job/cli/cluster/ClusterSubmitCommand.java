package dev.compactor.job.cli.cluster;

import dev.compactor.job.CompactorJob;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalDirectory;
import dev.compactor.job.cli.FlinkOptions;
import dev.compactor.job.cli.HelpOption;
import dev.compactor.job.cluster.ClusterArtifacts;
import dev.compactor.job.cluster.FlinkRestClient;
import dev.compactor.job.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "submit", description = "Upload the job's flink-app jar to the running cluster and start the job "
        + "on a local bucket directory; any --<key> <value> is passed to the job (see 'local --help').")
final class ClusterSubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    ClusterCommand cluster;

    @Option(names = "--bucket", required = true, paramLabel = "DIR",
            description = "The bucket: a directory every task manager can reach; created when missing.")
    String bucket;

    @Option(names = {"-p", "--parallelism"}, paramLabel = "N",
            description = "Parallelism of the window tracker, merge and commit (default: the cluster's, 1).")
    Integer parallelism;

    @Option(names = {"-s", "--from-savepoint"}, paramLabel = "PATH",
            description = "Start from this savepoint or retained checkpoint.")
    String savepoint;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    /** The program arguments: the bucket made absolute (the job manager has another working directory), then the rest. */
    List<String> programArgs() {
        // parsed only to refuse a bad option here rather than in the job manager's log
        return options.use(parsed -> {
            Path dir = LocalDirectory.prepare(CompactorOptions.BUCKET.key(),
                    LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket));
            List<String> args = new ArrayList<>(List.of("--" + CompactorOptions.BUCKET.key(), dir.toString()));
            args.addAll(options.arguments());
            return args;
        });
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = programArgs();
        FlinkRestClient rest = LocalCluster.rest(cluster.directory());
        Path jar = ClusterArtifacts.fromSystemProperties().appJar();
        String jarId = rest.uploadJar(jar);
        String jobId = rest.runJar(jarId, CompactorJob.class.getName(), args, parallelism, savepoint);
        spec.commandLine().getOut().printf("Job %s submitted (jar %s).%nDashboard: %s/#/job/running/%s/overview%n"
                + "Stop it with a savepoint: bin/compactor cluster stop-job --job %s%n",
                jobId, jar.getFileName(), rest.baseUrl(), jobId, jobId);
        return 0;
    }
}
