package dev.compactor.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import dev.compactor.job.cli.CompactorCli;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Kubernetes manifests: the FlinkDeployment against the CRD schema of the Flink Kubernetes operator
 * 1.10.0, strictly (a field the API server would silently prune counts as an error, like kubectl --validate=strict),
 * and every other manifest parses with apiVersion, kind and name.
 */
class DeploymentManifestsTest {

    private static final Path MANIFESTS = Path.of("..", "deploy", "kubernetes");
    private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void flinkDeploymentMatchesTheOperatorsCrdSchema() throws IOException {
        JsonNode deployment = YAML.readTree(MANIFESTS.resolve("flinkdeployment.yaml").toFile());
        assertEquals(Set.of(), validate(deployment));
        JsonNode spec = deployment.path("spec");
        assertEquals("savepoint", spec.path("job").path("upgradeMode").asText());
        assertEquals("dev.compactor.job.CompactorJob", spec.path("job").path("entryClass").asText());
        JsonNode conf = spec.path("flinkConfiguration");
        assertEquals("kubernetes", conf.path("high-availability.type").asText());
        assertEquals("rocksdb", conf.path("state.backend.type").asText());
        assertEquals("true", conf.path("state.backend.incremental").asText());
        assertTrue(conf.path("execution.checkpointing.dir").asText().startsWith("s3://"));
        assertTrue(conf.path("execution.checkpointing.savepoint-dir").asText().startsWith("s3://"));
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                conf.path("metrics.reporter.prom.factory.class").asText());
    }

    @Test
    void schemaRejectsWhatTheOperatorWouldNot() throws IOException {
        ObjectNode deployment = (ObjectNode) YAML.readTree(MANIFESTS.resolve("flinkdeployment.yaml").toFile());
        ((ObjectNode) deployment.path("spec").path("job")).put("upgradeMode", "snapshot");
        ((ObjectNode) deployment.path("spec")).put("jobManagr", "typo");
        String errors = validate(deployment).toString();
        assertTrue(errors.contains("upgradeMode"), errors);
        assertTrue(errors.contains("jobManagr"), errors);
    }

    @Test
    void everyOtherManifestParsesAsKubernetesObjects() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(MANIFESTS)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests in " + MANIFESTS.toAbsolutePath());
        List<String> kinds = new ArrayList<>();
        for (Path file : files) {
            for (JsonNode doc : documents(file)) {
                for (String field : new String[] {"apiVersion", "kind"}) {
                    assertFalse(doc.path(field).asText().isEmpty(), file + ": a document without " + field);
                }
                assertFalse(doc.path("metadata").path("name").asText().isEmpty(), file + ": a document without a name");
                kinds.add(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText());
            }
        }
        assertTrue(kinds.containsAll(List.of("FlinkDeployment/parquet-compactor", "Deployment/compactor-status-api",
                "Service/compactor-status-api")), kinds.toString());
    }

    @Test
    void statusApiIsProbedOnItsHealthEndpoint() throws IOException {
        JsonNode container = documents(MANIFESTS.resolve("status-api.yaml")).get(0)
                .path("spec").path("template").path("spec").path("containers").get(0);
        for (String probe : new String[] {"livenessProbe", "readinessProbe"}) {
            assertEquals("/compaction/health", container.path(probe).path("httpGet").path("path").asText(), probe);
        }
        assertEquals(8080, container.path("ports").get(0).path("containerPort").asInt());
    }

    @Test
    void statusApiCommandIsOneTheCliAccepts() throws IOException {
        JsonNode container = documents(MANIFESTS.resolve("status-api.yaml")).get(0)
                .path("spec").path("template").path("spec").path("containers").get(0);
        List<String> command = new ArrayList<>();
        container.path("command").forEach(arg -> command.add(arg.asText()));
        int main = command.indexOf("dev.compactor.job.cli.CompactorCli");
        assertTrue(main > 0, command.toString());
        List<String> args = command.subList(main + 1, command.size());
        assertEquals("api", args.get(0));
        CommandLine.ParseResult parsed = CompactorCli.commandLine().parseArgs(args.toArray(String[]::new));
        assertEquals("api", parsed.subcommand().commandSpec().name());
        assertTrue(args.contains("--bucket"), "commands are written into the bucket");
    }

    private static Set<ValidationMessage> validate(JsonNode deployment) throws IOException {
        JsonNode crd;
        try (InputStream in = DeploymentManifestsTest.class.getClassLoader().getResourceAsStream(CRD)) {
            assertTrue(in != null, CRD + " not on the test classpath (flink-kubernetes-operator-api)");
            crd = YAML.readTree(in);
        }
        JsonNode schema = null;
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("name").asText().equals("v1beta1")) {
                schema = version.path("schema").path("openAPIV3Schema");
            }
        }
        assertTrue(schema != null, "no v1beta1 schema in " + CRD);
        ObjectNode root = (ObjectNode) schema.deepCopy();
        // every Kubernetes object has these; the CRD leaves them to the API server
        ObjectNode properties = (ObjectNode) root.path("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        properties.putObject("metadata").put("type", "object");
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict(root));
        return validator.validate(deployment);
    }

    /** Marks every object schema closed unless Kubernetes keeps unknown fields there, as the API server prunes. */
    private static JsonNode strict(JsonNode schema) {
        if (schema.isObject()) {
            ObjectNode node = (ObjectNode) schema;
            if (node.has("properties") && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                    && !node.has("additionalProperties")) {
                node.put("additionalProperties", false);
            }
            node.forEach(DeploymentManifestsTest::strict);
        } else if (schema.isArray()) {
            schema.forEach(DeploymentManifestsTest::strict);
        }
        return schema;
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }
}
