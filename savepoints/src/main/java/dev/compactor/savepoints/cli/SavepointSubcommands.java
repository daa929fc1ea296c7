package dev.compactor.savepoints.cli;

import dev.compactor.job.cli.CompactorSubcommands;

import java.util.List;

/** Adds {@code state} and {@code verify} to {@code bin/compactor} (registered in META-INF/services). */
public final class SavepointSubcommands implements CompactorSubcommands {

    @Override
    public List<Object> commands() {
        return List.of(new StateCommand(), new VerifyCommand());
    }
}
