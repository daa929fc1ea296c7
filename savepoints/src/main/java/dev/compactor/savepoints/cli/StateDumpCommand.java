package dev.compactor.savepoints.cli;

import dev.compactor.job.cli.HelpOption;
import dev.compactor.savepoints.StateDump;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

@Command(name = "dump", description = "Print WindowTracker's state in a savepoint or retained checkpoint as JSON: "
        + "windows, generations, pending files and writers, per key.")
final class StateDumpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--savepoint", required = true, paramLabel = "PATH",
            description = "A savepoint or retained checkpoint directory (e.g. {bucket}/_state/checkpoints/{job}/chk-N).")
    String savepoint;

    @Option(names = "--namespace", paramLabel = "NS", description = "Only this namespace (and its shards).")
    String namespace;

    @Mixin
    HelpOption help;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode dump = json.createObjectNode();
        dump.put("savepoint", savepoint);
        dump.putArray("keys").addAll(StateDump.read(savepoint, namespace));
        spec.commandLine().getOut().println(json.writeValueAsString(dump));
        return 0;
    }
}
