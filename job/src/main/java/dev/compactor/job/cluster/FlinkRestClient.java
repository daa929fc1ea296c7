package dev.compactor.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The parts of Flink's REST API ({@code https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/ops/rest_api/})
 * the cluster commands and tests need: upload and run a jar, job state, stop with savepoint, cancel.
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Cluster overview: task managers, slots, jobs by state, Flink version. */
    public JsonNode overview() throws IOException {
        return get("/overview");
    }

    public JsonNode jobs() throws IOException {
        return get("/jobs/overview");
    }

    public JsonNode job(String jobId) throws IOException {
        return get("/jobs/" + jobId);
    }

    public String jobState(String jobId) throws IOException {
        return job(jobId).path("state").asText();
    }

    public JsonNode checkpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    public JsonNode exceptions(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    public JsonNode vertex(String jobId, String vertexId) throws IOException {
        return get("/jobs/" + jobId + "/vertices/" + vertexId);
    }

    /** Uploads a job jar; returns the id under which the cluster keeps it. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "compactor-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "upload " + jar);
        String stored = answer.path("filename").asText();
        return stored.substring(stored.lastIndexOf('/') + 1);
    }

    /**
     * Runs an uploaded jar's main class with these program arguments; returns the job id.
     *
     * @param parallelism the job's default parallelism, or null for the cluster's
     * @param savepointPath a savepoint or retained checkpoint to start from, or null for a fresh start
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Integer parallelism,
                         String savepointPath) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", entryClass);
        request.set("programArgsList", JSON.valueToTree(programArgs));
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            request.put("savepointPath", savepointPath);
        }
        return post("/jars/" + jarId + "/run", request).path("jobid").asText();
    }

    /** Ids of the jobs in state RUNNING. */
    public List<String> runningJobIds() throws IOException {
        List<String> running = new ArrayList<>();
        for (JsonNode job : jobs().path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                running.add(job.path("jid").asText());
            }
        }
        return running;
    }

    /**
     * Stops the job with a savepoint (without draining, so windows stay open) and returns the savepoint's path.
     *
     * @param targetDirectory where to write it, or null for the job's configured savepoint directory
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        if (targetDirectory != null) {
            request.put("targetDirectory", targetDirectory);
        }
        request.put("drain", false);
        String triggerId = post("/jobs/" + jobId + "/stop", request).path("request-id").asText();
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode answer = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(answer.path("status").path("id").asText())) {
                JsonNode operation = answer.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of job " + jobId + " failed: "
                            + operation.path("failure-cause").path("stack-trace").asText(operation.toString()));
                }
                return operation.path("location").asText();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("stop-with-savepoint of job " + jobId + " not done after " + timeout);
            }
            pause(Duration.ofMillis(500));
        }
    }

    public void cancel(String jobId) throws IOException {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), "cancel job " + jobId);
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), "GET " + path);
    }

    private JsonNode post(String path, JsonNode body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), "POST " + path);
    }

    private JsonNode send(HttpRequest.Builder request, String what) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " at " + baseUrl + " answered " + response.statusCode() + ": "
                    + errors(response.body()));
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** Flink answers errors as {"errors": [...]}, often with a whole stack trace: keep it, it is the diagnosis. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            return errors.isMissingNode() ? body : String.join("\n", JSON.convertValue(errors, String[].class));
        } catch (IOException | IllegalArgumentException e) {
            return body;
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}
