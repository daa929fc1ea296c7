package dev.compactor.job.cli.cluster;

import dev.compactor.job.cli.HelpOption;
import dev.compactor.job.cluster.ClusterDirectory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

@Command(name = "cluster",
        description = "A Flink standalone session cluster of separate JVMs on this machine (one job manager, "
                + "task managers), started from the build's jars; the job is submitted to it through Flink's REST API.",
        subcommands = {ClusterUpCommand.class, ClusterSubmitCommand.class, ClusterStatusCommand.class,
                ClusterStopJobCommand.class, ClusterDownCommand.class})
public final class ClusterCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".cluster", scope = CommandLine.ScopeType.INHERIT,
            description = "Configuration, pids, logs, checkpoints and savepoints of the cluster (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Mixin
    HelpOption help;

    ClusterDirectory directory() {
        return new ClusterDirectory(stateDir);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: use up, submit, status, stop-job or down");
    }
}
