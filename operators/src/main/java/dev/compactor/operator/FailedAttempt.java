package dev.compactor.operator;

import dev.compactor.merge.CompactionTask;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;

/** The {@code _FAILED.json} marker: which attempt of which window gave up, and why, for operators and status. */
final class FailedAttempt {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FailedAttempt() {}

    static byte[] json(CompactionTask task, String reason) throws IOException {
        ObjectNode node = JSON.createObjectNode()
                .put("namespace", task.namespace)
                .put("windowStart", task.windowStart)
                .put("generation", task.generation)
                .put("attempt", task.attempt)
                .put("files", task.files.size())
                .put("reason", reason)
                .put("failedAt", Instant.now().toString());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    }
}
