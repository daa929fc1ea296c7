package dev.compactor.job.cli.cluster;

import dev.compactor.job.cli.HelpOption;
import dev.compactor.job.cluster.ClusterArtifacts;
import dev.compactor.job.cluster.ClusterSettings;
import dev.compactor.job.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "up", description = "Start the job manager (dashboard on --rest-port) and the task managers in the "
        + "background, and wait until all have registered.")
final class ClusterUpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    ClusterCommand cluster;

    @Option(names = "--task-managers", paramLabel = "N", defaultValue = "2",
            description = "Task manager JVMs (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
            description = "Task slots per task manager (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Port of the dashboard and REST API (default: ${DEFAULT-VALUE}).")
    int restPort;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        ClusterSettings defaults = ClusterSettings.defaults(cluster.stateDir,
                ClusterArtifacts.fromSystemProperties().runtimeClasspath(), taskManagers, slots);
        ClusterSettings settings = new ClusterSettings(defaults.directory(), defaults.runtimeClasspath(), restPort,
                defaults.rpcPort(), taskManagers, slots, defaults.queryableStateProxyPorts(),
                defaults.queryableStateServerPorts(), defaults.prometheusPorts());
        LocalCluster local = new LocalCluster(settings);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Starting a job manager and %d task managers (%d slots each) ...%n", taskManagers, slots);
        out.flush();
        local.up();
        out.printf("Cluster up: %s%nDashboard: %s/%nLogs: %s%nPrometheus metrics: http://localhost:%s/metrics%n"
                        + "Submit the job with: bin/compactor cluster submit --bucket DIR%n",
                String.join(", ", local.runningProcesses()), settings.restUrl(), settings.directory().logs(),
                settings.prometheusPorts().split("-")[0]);
        return 0;
    }
}
