package dev.compactor.job.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/configuration.md is what {@link ConfigurationDoc} generates from the options: an option added, renamed or
 * redescribed without regenerating it fails the build. {@code -Dregenerate} writes the file instead.
 */
class ConfigurationDocTest {

    static final Path DOC = Path.of("..", "docs", "configuration.md");
    static final String REGENERATE = "mvn -B -pl job -am test -Dtest=ConfigurationDocTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dregenerate";

    @Test
    void docsConfigurationIsGeneratedFromTheOptions() throws Exception {
        String generated = ConfigurationDoc.render();
        if (Boolean.getBoolean("regenerate")) {
            Files.writeString(DOC, generated);
        }
        String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
        assertEquals(generated, committed, "docs/configuration.md is stale; regenerate it with: " + REGENERATE);
    }
}
