package dev.compactor.job.cli.cluster;

import dev.compactor.job.cli.HelpOption;
import dev.compactor.job.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "down", description = "Stop the cluster's processes (SIGTERM, SIGKILL after 30 s). Logs, "
        + "checkpoints and savepoints stay in the state directory.")
final class ClusterDownCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    ClusterCommand cluster;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        List<String> stopped = LocalCluster.down(cluster.directory());
        spec.commandLine().getOut().println(stopped.isEmpty()
                ? "No cluster was running from " + cluster.directory().root()
                : "Stopped " + String.join(", ", stopped) + "; logs and checkpoints stay in " + cluster.directory().root());
        return 0;
    }
}
