package dev.compactor.job.cli;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.description.HtmlFormatter;

import java.util.ArrayList;
import java.util.List;

/** The configuration options as a plain-text table (key, default, description) for --help. */
final class OptionsTable {

    private static final int KEY_WIDTH = 36;
    private static final int DEFAULT_WIDTH = 10;
    private static final int LINE_WIDTH = 110;

    private OptionsTable() {}

    static String render(List<ConfigOption<?>> options) {
        StringBuilder out = new StringBuilder();
        out.append(row("  --<key>", "default", "description"));
        for (ConfigOption<?> option : options) {
            List<String> description = wrap(describe(option), LINE_WIDTH - KEY_WIDTH - DEFAULT_WIDTH - 2);
            out.append(row("  --" + option.key(), defaultOf(option), description.get(0)));
            for (String more : description.subList(1, description.size())) {
                out.append(row("", "", more));
            }
        }
        return out.toString();
    }

    static String defaultOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "none";
        }
        // Flink's own string form: "1 h", "128 mb", as the user would type it
        return ConfigurationUtils.convertValue(option.defaultValue(), String.class);
    }

    private static String describe(ConfigOption<?> option) {
        return new HtmlFormatter().format(option.description()).replaceAll("<[^>]+>", "");
    }

    private static String row(String key, String dflt, String description) {
        String keyCell = key.length() >= KEY_WIDTH ? key + System.lineSeparator() + " ".repeat(KEY_WIDTH) : pad(key, KEY_WIDTH);
        return keyCell + pad(dflt, DEFAULT_WIDTH) + "  " + description + System.lineSeparator();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
