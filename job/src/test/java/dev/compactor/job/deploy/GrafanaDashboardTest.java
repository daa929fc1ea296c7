package dev.compactor.job.deploy;

import dev.compactor.commit.CommitMetrics;
import dev.compactor.events.RejectReason;
import dev.compactor.operator.CompactorMetrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every metric the Grafana dashboard queries is one the job registers, under the Prometheus reporter's name. */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "compactor-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("flink_taskmanager_job_task_operator_(\\w+)");

    @Test
    void queriesOnlyMetricsTheJobRegisters() throws IOException, IllegalAccessException {
        Set<String> registered = new HashSet<>();
        for (Class<?> names : new Class<?>[] {CompactorMetrics.class, CommitMetrics.class}) {
            for (Field f : names.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                    String name = (String) f.get(null);
                    registered.add(name);
                    registered.add(CompactorMetrics.NAMESPACE_GROUP + "_" + name);
                }
            }
        }
        for (RejectReason reason : RejectReason.values()) {
            registered.add(CompactorMetrics.REJECTED_GROUP + "_" + reason.name());
        }

        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
        }
        assertFalse(queried.isEmpty());
        for (String name : queried) {
            assertTrue(registered.contains(name), "the dashboard queries '" + name + "', which the job does not register");
        }
    }
}
