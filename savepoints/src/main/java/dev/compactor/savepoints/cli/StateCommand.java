package dev.compactor.savepoints.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "state", description = "Inspect or build WindowTracker state with the State Processor API.",
        subcommands = {StateDumpCommand.class, StateBootstrapCommand.class})
final class StateCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: use 'state dump' or 'state bootstrap'");
    }
}
