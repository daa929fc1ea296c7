package dev.compactor.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Show one namespace's compaction status (GET /compaction/status).")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ApiClientOptions client;

    @Option(names = "--namespace", required = true, paramLabel = "NS", description = "The namespace, e.g. users.")
    String namespace;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        ApiClientOptions.Answer answer = client.call("GET", "/compaction/status" + ApiClientOptions.query(namespace),
                null);
        PrintWriter out = spec.commandLine().getOut();
        if (answer.status() != 200) {
            spec.commandLine().getErr().println("error: " + answer.error());
            return 1;
        }
        JsonNode s = answer.body();
        if (client.json) {
            out.println(s.toPrettyString());
            return 0;
        }
        out.printf("namespace %s  priority %d (waits %d ms)  backpressure %s  health %s%n", s.path("namespace").asText(),
                s.path("priority").asInt(), s.path("effectiveMaxWaitTimeMs").asLong(), s.path("backpressure").asText(),
                s.at("/health/status").asText());
        for (JsonNode issue : s.at("/health/issues")) {
            out.println("  ! " + issue.asText());
        }
        out.printf("windows: %d active (%d pending, %d processing, %d dispatched), %d failed, %d stuck; "
                        + "%d pending files; oldest window %d s old%n",
                s.path("activeWindows").asInt(), s.at("/queueMetrics/pendingWindows").asInt(),
                s.at("/queueMetrics/processingWindows").asInt(), s.at("/queueMetrics/dispatchedWindows").asInt(),
                s.path("failedWindows").asInt(), s.path("windowsStuckInProcessing").asInt(),
                s.path("totalPendingFiles").asLong(), s.path("oldestWindowAge").asLong() / 1000);
        out.printf("writers: %s known, %s active; last compaction %s; last command %s%n", s.path("knownWriters"),
                s.path("activeWriters"), s.path("lastCompactionTime").asText("-"), s.path("lastCommand").asText("-"));
        if (s.path("retainedSourceBytes").asLong() > 0 || !s.path("heldWindows").isEmpty()) {
            out.printf("retained sources: %d bytes; held after uncompact (trigger to compact): %s%n",
                    s.path("retainedSourceBytes").asLong(), s.path("heldWindows"));
        }
        out.printf("%n%-15s %-22s %-11s %3s %6s %12s %8s  %s%n", "KEY", "WINDOW START", "STATE", "GEN", "FILES",
                "BYTES", "ATTEMPTS", "LAST ERROR");
        for (JsonNode w : s.path("windows")) {
            JsonNode p = w.path("processingStatus");
            String state = p.path("state").asText() + (w.path("held").asBoolean() ? "*" : "");
            out.printf("%-15s %-22s %-11s %3d %6d %12d %8d  %s%n", w.path("key").asText(),
                    w.path("windowStart").asText(), state, p.path("generation").asInt(),
                    w.path("fileCount").asInt(), w.path("totalSize").asLong(), p.path("attempts").asInt(),
                    p.path("lastError").isNull() ? "" : p.path("lastError").asText());
            if (w.has("overrides")) {
                out.printf("%15s retry parameters %s%n", "", w.path("overrides"));
            }
        }
        return 0;
    }
}
