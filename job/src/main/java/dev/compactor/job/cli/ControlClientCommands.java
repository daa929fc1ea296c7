package dev.compactor.job.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
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

        /** The status of a successful answer: 202 for a command the job applies later. */
        int accepted() {
            return 202;
        }

        @Override
        public Integer call() throws Exception {
            ApiClientOptions.Answer answer = send();
            PrintWriter out = spec.commandLine().getOut();
            if (answer.status() != accepted()) {
                spec.commandLine().getErr().println("error (" + answer.status() + "): " + answer.error());
                return 1;
            }
            if (client.json) {
                out.println(answer.body().toPrettyString());
            } else {
                print(out, answer);
            }
            return 0;
        }

        void print(PrintWriter out, ApiClientOptions.Answer answer) {
            out.printf("accepted: %s for %s, command id %s%n", answer.body().path("command").asText(),
                    answer.body().path("namespace").asText(), answer.body().path("commandId").asText());
        }


        String query() {
            return ApiClientOptions.query(namespace);
        }
    }

    /** What the commands on one window share: its key, and a body naming the namespace and the window. */
    abstract static class WindowBase extends Base {
        @Option(names = "--window", required = true, paramLabel = "KEY",
                description = "The window's key (its start in epoch ms), as 'status' lists it.")
        String window;

        ObjectNode windowBody() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("namespace", TextNode.valueOf(namespace));
            body.set("windowKey", TextNode.valueOf(window));
            return body;
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
            description = "Put a processing, dispatched or failed window back to pending; it is retried at once, "
                    + "with the merge parameters given here for this window only.")
    static class Rollback extends WindowBase {
        @Option(names = "--merge-memory", paramLabel = "SIZE",
                description = "compaction.merge-memory for this window, like 512mb.")
        String mergeMemory;

        @Option(names = "--target-file-size", paramLabel = "SIZE",
                description = "compaction.target-file-size for this window, like 64mb.")
        String targetFileSize;

        @Option(names = "--row-group-size", paramLabel = "SIZE",
                description = "compaction.row-group-size for this window, like 16mb.")
        String rowGroupSize;

        @Option(names = "--sort", paramLabel = "on|off", arity = "1",
                description = "off merges this window in file order, without compaction.sort-column.")
        String sort;

        @Option(names = "--engine", paramLabel = "FAST|REFERENCE",
                description = "compaction.merge-engine for this window.")
        String engine;

        String path() {
            return "/compaction/internal/rollback-processing";
        }

        @Override
        ApiClientOptions.Answer send() throws Exception {
            ObjectNode body = windowBody();
            if (mergeMemory != null) {
                body.put("mergeMemory", mergeMemory);
            }
            if (targetFileSize != null) {
                body.put("targetFileSize", targetFileSize);
            }
            if (rowGroupSize != null) {
                body.put("rowGroupSize", rowGroupSize);
            }
            if (sort != null) {
                if (!sort.equalsIgnoreCase("on") && !sort.equalsIgnoreCase("off")) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "--sort takes on or off, was " + sort);
                }
                body.put("sort", sort.equalsIgnoreCase("on"));
            }
            if (engine != null) {
                body.put("engine", engine);
            }
            return client.call("POST", path(), body.toString());
        }
    }

    @Command(name = "retry",
            description = "Retry a window with other merge parameters (for this window only, shown in status and "
                    + "in its manifest): like rollback, and a pending window takes the parameters for its merge.")
    static final class Retry extends Rollback {
        @Override
        String path() {
            return "/compaction/retry" + query();
        }
    }

    @Command(name = "trigger",
            description = "Compact a window now, whatever its readiness (waits, min-files, late writers); also "
                    + "releases a window held after an uncompact.")
    static final class Trigger extends WindowBase {
        @Override
        ApiClientOptions.Answer send() throws Exception {
            return client.call("POST", "/compaction/trigger" + query(), windowBody().toString());
        }
    }

    @Command(name = "uncompact",
            description = "Put a committed window generation's sources back (kept for compaction.source-retention), "
                    + "remove its outputs and mark its manifest rolled back. The job holds the window until "
                    + "'trigger'. Run it again to finish an interrupted run.")
    static final class Uncompact extends WindowBase {
        @Option(names = "--generation", paramLabel = "G",
                description = "The generation to un-compact (default: the window's newest manifest).")
        Integer generation;

        @Override
        int accepted() {
            return 200;
        }

        @Override
        ApiClientOptions.Answer send() throws Exception {
            ObjectNode body = windowBody();
            if (generation != null) {
                body.put("generation", generation);
            }
            return client.call("POST", "/compaction/uncompact" + query(), body.toString(), Duration.ofMinutes(10));
        }

        @Override
        void print(PrintWriter out, ApiClientOptions.Answer answer) {
            var b = answer.body();
            out.printf("un-compacted %s window %s g%d: %d sources put back (%d bytes), %d outputs removed%s; "
                            + "the window is held until 'trigger'%n", b.path("namespace").asText(),
                    b.path("windowKey").asText(), b.path("generation").asInt(), b.path("restoredSources").asInt(),
                    b.path("restoredBytes").asLong(), b.path("removedOutputs").asInt(),
                    b.path("finishedEarlierRun").asBoolean() ? " (finished an earlier run)" : "");
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
