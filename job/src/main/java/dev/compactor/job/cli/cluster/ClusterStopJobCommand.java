package dev.compactor.job.cli.cluster;

import dev.compactor.job.cli.HelpOption;
import dev.compactor.job.cli.RunningJob;
import dev.compactor.job.cluster.FlinkRestClient;
import dev.compactor.job.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "stop-job", description = "Stop a running job with a savepoint and print the savepoint's path, "
        + "to resume from with 'submit --from-savepoint PATH'.")
final class ClusterStopJobCommand implements Callable<Integer> {

    private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    @ParentCommand
    ClusterCommand cluster;

    @Option(names = "--job", paramLabel = "ID", description = "The job to stop; may be left out when only one job runs.")
    String jobId;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest = LocalCluster.rest(cluster.directory());
        String job = jobId != null ? jobId : RunningJob.only(rest, spec);
        String target = cluster.directory().savepoints().toUri().toString();
        String savepoint = rest.stopWithSavepoint(job, target, SAVEPOINT_TIMEOUT);
        spec.commandLine().getOut().printf("Job %s stopped with savepoint%n%s%n", job, savepoint);
        return 0;
    }
}
