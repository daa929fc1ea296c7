package dev.compactor.job.cli;

import dev.compactor.job.cluster.FlinkRestClient;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.util.List;

/** The job a command acts on when the user names none: the only one running, else a usage error. */
public final class RunningJob {

    private RunningJob() {}

    public static String only(FlinkRestClient rest, CommandSpec spec) throws IOException {
        List<String> running = rest.runningJobIds();
        if (running.size() != 1) {
            throw new ParameterException(spec.commandLine(), running.size() + " jobs are running at "
                    + rest.baseUrl() + " " + running + "; name one with --job ID");
        }
        return running.get(0);
    }
}
