package dev.compactor.job.cli;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.description.HtmlFormatter;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.Column.Overflow;
import picocli.CommandLine.Help.TextTable;

import java.util.List;

/** The configuration options as a table (key, default, description) for --help, wrapped to the usage width. */
final class OptionsTable {

    // fits the longest key, "--compaction.writer-inactive-after", after a two-space indent
    private static final int KEY_WIDTH = 38;
    private static final int DEFAULT_WIDTH = 9;
    private static final int MIN_DESCRIPTION_WIDTH = 30;

    private OptionsTable() {}

    static String render(List<ConfigOption<?>> options, int width) {
        int descriptionWidth = Math.max(MIN_DESCRIPTION_WIDTH, width - KEY_WIDTH - DEFAULT_WIDTH);
        TextTable table = TextTable.forColumns(Help.defaultColorScheme(Help.Ansi.OFF),
                new Column(KEY_WIDTH, 2, Overflow.SPAN),
                new Column(DEFAULT_WIDTH, 0, Overflow.SPAN),
                new Column(descriptionWidth, 0, Overflow.WRAP));
        table.addRowValues("--<key>", "default", "description");
        for (ConfigOption<?> option : options) {
            table.addRowValues("--" + option.key(), defaultOf(option), describe(option));
        }
        return table.toString();
    }

    static String defaultOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "none";
        }
        // Flink's own string form ("1 h", "128 mb"), as the user would type it
        return ConfigurationUtils.convertValue(option.defaultValue(), String.class);
    }

    static String describe(ConfigOption<?> option) {
        // Flink ships only HTML and Markdown formatters for descriptions; our descriptions are plain text
        return new HtmlFormatter().format(option.description()).replaceAll("<[^>]+>", "");
    }
}
