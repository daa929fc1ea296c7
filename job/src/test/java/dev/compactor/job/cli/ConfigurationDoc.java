package dev.compactor.job.cli;

import dev.compactor.job.CompactorOptions;

import org.apache.flink.configuration.ConfigOption;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * docs/configuration.md, generated from {@link CompactorOptions#all()} and the demo's defaults, so the reference
 * cannot drift from the options the job reads (the hand-kept table it replaces had lost several).
 * {@link ConfigurationDocTest} compares it with the committed file and rewrites it on request.
 */
final class ConfigurationDoc {

    private static final String HEADER = """
            # Configuration

            <!-- Generated from CompactorOptions by ConfigurationDocTest; do not edit by hand. Regenerate with
                 mvn -B -pl job -am test -Dtest=ConfigurationDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dregenerate -->

            Every option can be given to `bin/compactor local|restore|demo|state bootstrap|api|bridge` and to the
            flink-app jar (`flink run ... --<key> <value>`) as `--<key> <value>`, in Flink's duration and memory syntax
            (`"10 min"`, `"128 mb"`). Flink's own options pass through the same way (`--rest.port 8082`,
            `--execution.checkpointing.interval "30 s"`, `--parallelism.default 2`). `bin/compactor local --help` prints
            the same table.

            | key | type | default | description |
            |---|---|---|---|
            """;

    private static final String LOCAL_MODE = """

            ## Local mode

            `bin/compactor local` (and `restore`, `demo`) also sets, unless given: the Flink dashboard on `rest.port`
            8081, the status API on `api.port` 8080, the RocksDB state backend with incremental checkpoints every 10 s
            retained on cancellation, exponential-delay restarts, and the queryable state proxy.

            `bin/compactor demo` uses short windows so files compact within about two minutes (each can be overridden;
            `--writers`, `--namespaces`, `--files-per-second` and `--rows-per-file` shape the writer simulator):

            """;

    private ConfigurationDoc() {}

    static String render() {
        StringBuilder doc = new StringBuilder(HEADER);
        for (ConfigOption<?> option : CompactorOptions.all()) {
            doc.append("| `").append(option.key()).append("` | ").append(typeOf(option)).append(" | ")
                    .append(option.hasDefaultValue() ? "`" + OptionsTable.defaultOf(option) + "`" : "none")
                    .append(" | ").append(cell(OptionsTable.describe(option))).append(" |\n");
        }
        doc.append(LOCAL_MODE);
        demoSettings().forEach((key, value) -> doc.append("* `").append(key).append("` `").append(value).append("`\n"));
        return doc.toString();
    }

    private static Map<String, String> demoSettings() {
        return new TreeMap<>(DemoCommand.demoDefaults().toMap());
    }

    /** Flink keeps an option's value class package-private; its own docs generator reads it from that package. */
    private static String typeOf(ConfigOption<?> option) {
        try {
            Method clazz = ConfigOption.class.getDeclaredMethod("getClazz");
            Method isList = ConfigOption.class.getDeclaredMethod("isList");
            clazz.setAccessible(true);
            isList.setAccessible(true);
            Class<?> type = (Class<?>) clazz.invoke(option);
            String name = type.isEnum()
                    ? "enum (" + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                            .collect(Collectors.joining(", ")) + ")"
                    : type.getSimpleName();
            return (Boolean) isList.invoke(option) ? "list of " + name : name;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's ConfigOption no longer has getClazz/isList", e);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
