package dev.compactor.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.compactor.job.cluster.FlinkRestClient;
import dev.compactor.job.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest = LocalCluster.rest(cluster.directory());
        String job = jobId != null ? jobId : onlyRunningJob(rest);
        String target = cluster.directory().savepoints().toUri().toString();
        String savepoint = rest.stopWithSavepoint(job, target, SAVEPOINT_TIMEOUT);
        spec.commandLine().getOut().printf("Job %s stopped with savepoint%n%s%n", job, savepoint);
        return 0;
    }

    private String onlyRunningJob(FlinkRestClient rest) throws Exception {
        List<String> running = new ArrayList<>();
        for (JsonNode job : rest.jobs().path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                running.add(job.path("jid").asText());
            }
        }
        if (running.size() != 1) {
            throw new ParameterException(spec.commandLine(), running.size() + " jobs are running "
                    + running + "; name one with --job ID");
        }
        return running.get(0);
    }
}
