package dev.compactor.job.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.compactor.job.cli.HelpOption;
import dev.compactor.job.cluster.FlinkRestClient;
import dev.compactor.job.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Show the cluster's processes, task managers, slots and jobs. "
        + "Exits 1 when no process of the cluster runs.")
final class ClusterStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    ClusterCommand cluster;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> running = LocalCluster.runningProcesses(cluster.directory());
        if (running.isEmpty()) {
            out.println("No cluster runs from " + cluster.directory().root());
            return 1;
        }
        for (String name : running) {
            out.printf("%-16s pid %d%n", name, LocalCluster.pid(cluster.directory(), name).orElse(-1L));
        }
        FlinkRestClient rest = LocalCluster.rest(cluster.directory());
        try {
            JsonNode overview = rest.overview();
            out.printf("Dashboard %s/ : %d task managers, %d of %d slots free, Flink %s%n", rest.baseUrl(),
                    overview.path("taskmanagers").asInt(), overview.path("slots-available").asInt(),
                    overview.path("slots-total").asInt(), overview.path("flink-version").asText());
            for (JsonNode job : rest.jobs().path("jobs")) {
                out.printf("job %s %-10s %s%n", job.path("jid").asText(), job.path("state").asText(),
                        job.path("name").asText());
            }
        } catch (IOException e) {
            out.println("REST API not answering: " + e.getMessage());
        }
        return 0;
    }
}
