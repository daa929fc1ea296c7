package dev.compactor.job.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The API's control endpoints as commands. Each prints the accepted command's id; its effect shows in
 * {@code status} once the job applied it (as {@code lastCommand}). Exit code 1 when the API refuses.
 */
final class ControlClientCommands {

    private ControlClientCommands() {}

    /** What every control command shares: the API options, the namespace, printing the answer. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiClientOptions client;

        @Option(names = "--namespace", required = true, paramLabel = "NS", description = "The namespace.")
        String namespace;

        @Mixin
        HelpOption help;

        abstract ApiClientOptions.Answer send() throws Exception;

        @Override
        public Integer call() throws Exception {
            ApiClientOptions.Answer answer = send();
            PrintWriter out = spec.commandLine().getOut();
            if (answer.status() != 202) {
                spec.commandLine().getErr().println("error (" + answer.status() + "): " + answer.error());
                return 1;
            }
            if (client.json) {
                out.println(answer.body().toPrettyString());
            } else {
                out.printf("accepted: %s for %s, command id %s%n", answer.body().path("command").asText(),
                        answer.body().path("namespace").asText(), answer.body().path("commandId").asText());
            }
            return 0;
        }

        String query() {
            return ApiClientOptions.query(namespace);
        }
    }

    @Command(name = "trigger-check", description = "Check a namespace for stuck windows and dispatch ready ones now.")
    static final class TriggerCheck extends Base {
        @Override
        ApiClientOptions.Answer send() throws Exception {
            return client.call("POST", "/compaction/trigger-check" + query(), null);
        }
    }

    @Command(name = "rollback",
            description = "Put a processing, dispatched or failed window back to pending; it is retried at once.")
    static final class Rollback extends Base {
        @Option(names = "--window", required = true, paramLabel = "KEY",
                description = "The window's key (its start in epoch ms), as 'status' lists it.")
        String window;

        @Override
        ApiClientOptions.Answer send() throws Exception {
            String body = "{\"namespace\":" + TextNode.valueOf(namespace) + ",\"windowKey\":"
                    + TextNode.valueOf(window) + "}";
            return client.call("POST", "/compaction/internal/rollback-processing", body);
        }
    }

    @Command(name = "set-priority",
            description = "Override a namespace's priority: 0 critical, 1 high, 2 medium, 3 background.")
    static final class SetPriority extends Base {
        @Option(names = "--priority", required = true, paramLabel = "0-3")
        int priority;

        @Override
        ApiClientOptions.Answer send() throws Exception {
            return client.call("POST", "/compaction/config" + query(), "{\"priority\":" + priority + "}");
        }
    }

    @Command(name = "reset", description = "Forget everything the job tracks for a namespace (files stay in the bucket).")
    static final class Reset extends Base {
        @Override
        ApiClientOptions.Answer send() throws Exception {
            return client.call("DELETE", "/compaction/reset" + query(), null);
        }
    }

    @Command(name = "cleanup", description = "Drop a namespace's empty window generations and inactive writers.")
    static final class Cleanup extends Base {
        @Override
        ApiClientOptions.Answer send() throws Exception {
            return client.call("POST", "/compaction/cleanup" + query(), null);
        }
    }
}
