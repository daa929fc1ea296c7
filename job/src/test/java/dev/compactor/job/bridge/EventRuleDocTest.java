package dev.compactor.job.bridge;

import dev.compactor.layout.BucketLayout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The EventBridge rule in docs/operations.md is what operators paste into AWS: a prefix it leaves out never
 * reaches a Kinesis-mode job (control commands answered 202 and never applied, issue 23). It must match exactly the
 * prefixes the local watcher lists and the bridge announces.
 */
class EventRuleDocTest {

    private static final Path OPERATIONS = Path.of("..", "docs", "operations.md");
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    @Test
    void documentedEventRuleCoversEveryPrefixTheJobActsOn() throws Exception {
        JsonNode rule = null;
        Matcher m = JSON_BLOCK.matcher(Files.readString(OPERATIONS));
        while (m.find()) {
            if (m.group(1).contains("\"aws.s3\"")) {
                rule = new ObjectMapper().readTree(m.group(1));
            }
        }
        assertEquals("aws.s3", rule == null ? null : rule.at("/source/0").asText(),
                "the event rule of docs/operations.md");
        List<String> prefixes = new ArrayList<>();
        rule.at("/detail/object/key").forEach(p -> prefixes.add(p.get("prefix").asText()));
        // The example bucket URI there is s3://my-lake/raw: every key carries the prefix raw/.
        assertEquals(BucketLayout.defaults().eventPrefixes().stream().map(p -> "raw/" + p).toList(), prefixes);
    }
}
