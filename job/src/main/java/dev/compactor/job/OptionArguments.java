package dev.compactor.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns {@code --<key> <value>} (or {@code --<key>=<value>}) pairs into a Flink configuration. Keys in our own
 * namespaces must be options we define, so a typo fails loudly; any other key is handed to Flink untouched.
 */
public final class OptionArguments {

    private static final List<String> OWN_PREFIXES = List.of("compaction.", "events.", "local.", "s3.");

    private OptionArguments() {}

    public static Configuration parse(List<String> args) {
        Configuration conf = new Configuration();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidOptionException("unexpected argument '" + arg + "': options take the form --<key> <value>");
            }
            String key;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                key = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else {
                key = arg.substring(2);
                if (i + 1 == args.size()) {
                    throw new InvalidOptionException("option --" + key + " needs a value");
                }
                value = args.get(++i);
            }
            requireKnownIfOwn(key);
            conf.setString(key, value);
        }
        return conf;
    }

    private static void requireKnownIfOwn(String key) {
        if (OWN_PREFIXES.stream().noneMatch(key::startsWith)) {
            return;
        }
        Set<String> known = CompactorOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        // a map option also takes one key per entry (compaction.iceberg.catalog.uri), as Flink reads them
        boolean mapEntry = CompactorOptions.all().stream()
                .anyMatch(o -> ConfigurationUtils.canBePrefixMap(o) && key.startsWith(o.key() + "."));
        if (!known.contains(key) && !mapEntry) {
            String valid = CompactorOptions.all().stream()
                    .map(ConfigOption::key)
                    .filter(k -> OWN_PREFIXES.stream().anyMatch(k::startsWith))
                    .map(k -> "  --" + k)
                    .collect(Collectors.joining(System.lineSeparator()));
            throw new InvalidOptionException("unknown option --" + key + "; valid options are:"
                    + System.lineSeparator() + valid);
        }
    }
}
