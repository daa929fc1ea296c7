package dev.compactor.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "health", description = "Show the job's health per namespace (GET /compaction/health). "
        + "Exit code 0 healthy or degraded, 2 unhealthy, 1 when the API cannot answer.")
final class HealthCommand implements Callable<Integer> {

    static final int UNHEALTHY = 2;

    @Spec
    CommandSpec spec;

    @Mixin
    ApiClientOptions client;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        ApiClientOptions.Answer answer = client.call("GET", "/compaction/health", null);
        PrintWriter out = spec.commandLine().getOut();
        JsonNode h = answer.body();
        if (answer.status() != 200 && !h.has("namespaces")) {
            spec.commandLine().getErr().println("error: " + answer.error());
            return 1;
        }
        if (client.json) {
            out.println(h.toPrettyString());
        } else {
            out.println("health: " + h.path("status").asText());
            out.printf("%-30s %-10s %s%n", "NAMESPACE", "STATUS", "ISSUES");
            for (JsonNode ns : h.path("namespaces")) {
                StringBuilder issues = new StringBuilder();
                ns.path("issues").forEach(i -> issues.append(issues.length() == 0 ? "" : "; ").append(i.asText()));
                out.printf("%-30s %-10s %s%n", ns.path("namespace").asText(), ns.path("status").asText(), issues);
            }
        }
        return "unhealthy".equals(h.path("status").asText()) ? UNHEALTHY : 0;
    }
}
