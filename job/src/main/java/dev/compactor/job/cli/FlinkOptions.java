package dev.compactor.job.cli;

import dev.compactor.job.InvalidOptionException;
import dev.compactor.job.OptionArguments;

import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.UnmatchedArgsBinding;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code --<key> <value>} configuration options (the job's and Flink's) of a command, as a picocli mixin
 * ({@code @Mixin FlinkOptions options;}): whatever the command's own options do not match. A bad option is a usage
 * error of the command that holds it.
 */
@Command // a mixin needs an annotation picocli recognises; its unmatched arguments are bound below
public final class FlinkOptions {

    /** A command's use of its parsed options; it may reject them. */
    @FunctionalInterface
    public interface Use<T> {
        T apply(Configuration parsed) throws InvalidOptionException;
    }

    private final List<String> arguments = new ArrayList<>();
    private CommandSpec command;

    /**
     * Picocli (4.7) keeps an {@code @Unmatched} field of a mixin to the mixin, so the command would refuse every
     * {@code --<key>}: the binding and the permission to leave arguments unmatched go on the command itself.
     */
    @Spec(Spec.Target.MIXEE)
    void command(CommandSpec spec) {
        command = spec;
        spec.addUnmatchedArgsBinding(UnmatchedArgsBinding.forStringArrayConsumer(new ISetter() {
            @Override
            public <T> T set(T value) {
                if (value == null) { // picocli resets the binding before each parse
                    arguments.clear();
                } else {
                    arguments.addAll(Arrays.asList((String[]) value));
                }
                return null;
            }
        }));
        spec.parser().unmatchedArgumentsAllowed(true);
    }

    /** Parses the options and hands them to {@code use}; an invalid option becomes a usage error. */
    public <T> T use(Use<T> use) {
        try {
            return use.apply(OptionArguments.parse(arguments));
        } catch (InvalidOptionException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }

    /** The options as given, for a command that passes them on to a job it submits. */
    public List<String> arguments() {
        return List.copyOf(arguments);
    }
}
