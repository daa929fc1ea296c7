package dev.compactor.job.cli;

import dev.compactor.job.LocalRunner;
import dev.compactor.job.cluster.FlinkRestClient;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "savepoint", description = "Stop the running job (of 'local', or on any Flink cluster) with a "
        + "savepoint through Flink's REST API and print its path, to start again with 'restore --from PATH'.")
final class SavepointCommand implements Callable<Integer> {

    static final String DEFAULT_REST_URL = "http://localhost:" + LocalRunner.DEFAULT_REST_PORT;
    private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--rest", paramLabel = "URL", defaultValue = DEFAULT_REST_URL,
            description = "Flink's REST endpoint (default ${DEFAULT-VALUE}, where 'local' serves it).")
    String restUrl;

    @Option(names = "--job", paramLabel = "ID", description = "The job to stop; may be left out when only one job runs.")
    String jobId;

    @Option(names = "--to", paramLabel = "DIR", description = "Where to write the savepoint (default: the job's "
            + "savepoint directory, {bucket}/_state/savepoints for 'local').")
    String targetDirectory;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        FlinkRestClient rest = new FlinkRestClient(restUrl);
        String job = jobId != null ? jobId : RunningJob.only(rest, spec);
        String savepoint = rest.stopWithSavepoint(job, targetDirectory, SAVEPOINT_TIMEOUT);
        spec.commandLine().getOut().printf("Job %s stopped with savepoint%n%s%n"
                + "Start it again with: bin/compactor restore --from %s --bucket DIR%n", job, savepoint, savepoint);
        return 0;
    }
}
