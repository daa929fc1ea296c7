package dev.compactor.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.util.Collection;

/**
 * Reads options so that a bad value fails at startup, naming the option and the accepted syntax, instead of deep
 * inside an operator once the job is running.
 */
public final class OptionReader {
    private OptionReader() {}

    public static <T> T read(Configuration conf, ConfigOption<T> option) {
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            String given = conf.toMap().get(option.key());
            String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new InvalidOptionException(
                    "invalid value '" + given + "' for --" + option.key() + ": " + reason);
        }
    }

    /** Reads every option once, so all of them are known to parse. */
    public static void checkAll(Configuration conf, Collection<ConfigOption<?>> options) {
        options.forEach(option -> read(conf, option));
    }
}
