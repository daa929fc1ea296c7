package dev.compactor.job.cli;

import picocli.CommandLine.Option;

/** The {@code -h}/{@code --help} option of every command, as a picocli mixin: {@code @Mixin HelpOption help;}. */
public final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
