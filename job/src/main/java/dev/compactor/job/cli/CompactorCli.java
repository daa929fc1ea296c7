package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.cli.cluster.ClusterCommand;

import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Entry point of {@code bin/compactor}: runs the compaction job locally, alone or with a demo writer simulator, or
 * on a local multi-process Flink cluster; merges local files once; serves the status API alone; and wraps the API
 * for operators.
 */
@Command(name = "compactor",
        description = "Compacts small Parquet files into large hour-partitioned ones with Apache Flink.",
        subcommands = {LocalCommand.class, RestoreCommand.class, SavepointCommand.class, DemoCommand.class,
                ClusterCommand.class, BridgeCommand.class, MergeCommand.class, ApiCommand.class, StatusCommand.class, HealthCommand.class,
                ControlClientCommands.TriggerCheck.class, ControlClientCommands.Rollback.class,
                ControlClientCommands.SetPriority.class, ControlClientCommands.Reset.class,
                ControlClientCommands.Cleanup.class, ControlClientCommands.Trigger.class,
                ControlClientCommands.Retry.class, ControlClientCommands.Uncompact.class,
                CommandLine.HelpCommand.class})
public final class CompactorCli implements Runnable {

    private static final String OPTIONS_SECTION = "configurationOptions";
    private static final String OPTIONS_HEADING = "%nConfiguration options, as --<key> <value>%n"
            + "(durations like \"10 min\", sizes like \"128 mb\").%nAny other Flink option, such as --rest.port,"
            + " --parallelism.default or%n--execution.checkpointing.interval, is passed to Flink.%n%n";

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: use 'local', 'restore', 'savepoint', 'demo', "
                + "'cluster', 'merge', 'api', 'status', 'health', 'trigger-check', 'rollback', 'set-priority', 'reset', 'cleanup', "
                + "'trigger', 'retry' or 'uncompact'");
    }

    public static void main(String[] args) {
        logToFileUnlessConfigured();
        CommandLine cli = args.length > 0 && args[0].equals("merge") ? mergeCommandLine() : commandLine();
        System.exit(cli.execute(args));
    }

    /**
     * The command line for {@code compactor merge} alone: a one-off merge is a whole process, and making every
     * command (the status API's JSON client, Flink's options, the savepoint tools) first took about a second of
     * class loading before the merge started. Usage and errors read as with {@link #commandLine()}.
     */
    static CommandLine mergeCommandLine() {
        return configured(new CommandLine(new MergeOnly()));
    }

    @Command(name = "compactor", subcommands = MergeCommand.class)
    static final class MergeOnly implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("only reached without a command, which main never does");
        }
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CompactorCli());
        // before the settings below, which apply to the subcommands present when they are made
        for (CompactorSubcommands extension : ServiceLoader.load(CompactorSubcommands.class)) {
            extension.commands().forEach(cli::addSubcommand);
        }
        configured(cli);
        for (String name : new String[] {"local", "restore", "demo"}) {
            CommandLine sub = cli.getSubcommands().get(name);
            sub.getHelpSectionMap().put(OPTIONS_SECTION, help -> String.format(OPTIONS_HEADING)
                    + OptionsTable.render(CompactorOptions.all(), help.commandSpec().usageMessage().width()));
            List<String> sections = new ArrayList<>(sub.getHelpSectionKeys());
            sections.add(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), OPTIONS_SECTION);
            sub.setHelpSectionKeys(sections);
        }
        return cli;
    }

    /** Settings every command line shares; they apply to the subcommands present when they are made. */
    private static CommandLine configured(CommandLine cli) {
        // option values may start with '@' (a payload, a tag); they are never argument files
        cli.setExpandAtFiles(false);
        // --engine fast and --engine FAST alike, as Flink's own options read enum values
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(CompactorCli::reportUsageError);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        cli.setUsageHelpAutoWidth(true);
        return cli;
    }

    private static int reportUsageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * The console is for the user's progress lines; Flink's INFO logs go to a file, which the dashboard's
     * job manager log tab also shows (it reads the {@code log.file} property).
     */
    private static void logToFileUnlessConfigured() {
        if (System.getProperty("log.file") == null) {
            Path file = Path.of(System.getProperty("java.io.tmpdir"), "compactor-" + ProcessHandle.current().pid() + ".log");
            System.setProperty("log.file", file.toString());
        }
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-cli.properties");
        }
    }
}
