package dev.compactor.job.api;

import dev.compactor.commit.Uncompactor;
import dev.compactor.events.ControlCommand;
import dev.compactor.status.HealthLevel;
import dev.compactor.status.HealthReport;
import dev.compactor.status.HealthRule;
import dev.compactor.status.JobStatus;
import dev.compactor.status.NamespaceStatus;
import dev.compactor.status.StatusJson;
import dev.compactor.status.WindowStatus;
import dev.compactor.window.WindowOverrides;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.flink.configuration.MemorySize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The runbook's HTTP surface over a running job: status and health read from queryable state, control commands
 * enqueued into the bucket (answered 202 with the command id; the effect shows in the status once the job applied
 * it). Mutating endpoints need {@code Authorization: Bearer <token>}; a refused request enqueues nothing.
 */
public final class StatusApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusApi.class);
    /** A retry's per-window merge parameters, accepted by rollback-processing and retry. */
    private static final Set<String> OVERRIDE_FIELDS = Set.of("mergeMemory", "targetFileSize", "rowGroupSize",
            "sort", "engine");
    private static final Set<String> ROLLBACK_FIELDS = union(Set.of("windowKey", "namespace"), OVERRIDE_FIELDS);
    private static final Set<String> WINDOW_FIELDS = Set.of("windowKey", "namespace");
    private static final Set<String> UNCOMPACT_FIELDS = Set.of("windowKey", "namespace", "generation");
    private static final Set<String> CONFIG_FIELDS = Set.of("priority");
    private static final Set<String> ROLLBACK_STATES = Set.of("processing", "dispatched", "failed");
    /** How long an uncompact waits for the job to hold the window before it touches the bucket. */
    static final long HOLD_WAIT_MS = 60_000;

    private final StatusSource source;
    private final ControlCommandWriter commands;
    private final HealthRule health;
    private final byte[] token;
    private final Clock clock;
    private HttpServer server;
    private ExecutorService executor;

    public StatusApi(StatusSource source, ControlCommandWriter commands, HealthRule health, String token,
                     Clock clock) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the API needs a bearer token for its mutating endpoints");
        }
        this.source = source;
        this.commands = commands;
        this.health = health;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** Starts serving on {@code port} (0 picks a free one); returns the bound port. */
    public int start(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "status-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/compaction/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                ApiRequest request = new ApiRequest(exchange);
                Response response = route(request);
                send(exchange, response.status, response.body);
            } catch (ApiException e) {
                send(exchange, e.status, e.body);
            } catch (StatusUnavailableException e) {
                send(exchange, 503, Map.of("status", HealthLevel.UNHEALTHY, "error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("status API request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                send(exchange, 500, Map.of("error", "internal error: " + e));
            }
        }
    }

    private record Response(int status, Object body) {}

    private Response route(ApiRequest r) throws ApiException, StatusUnavailableException, IOException {
        String endpoint = r.method() + " " + r.path();
        return switch (endpoint) {
            case "GET /compaction/status" -> status(r);
            case "GET /compaction/health" -> health();
            case "POST /compaction/trigger-check" -> namespaceCommand(r, ControlCommand.Kind.TRIGGER_CHECK);
            case "POST /compaction/internal/rollback-processing" -> rollback(r);
            case "POST /compaction/config" -> config(r);
            case "DELETE /compaction/reset" -> namespaceCommand(r, ControlCommand.Kind.RESET);
            case "POST /compaction/cleanup" -> namespaceCommand(r, ControlCommand.Kind.CLEANUP);
            case "POST /compaction/trigger" -> trigger(r);
            case "POST /compaction/retry" -> retry(r);
            case "POST /compaction/uncompact" -> uncompact(r);
            default -> throw unknownEndpoint(r);
        };
    }

    private static ApiException unknownEndpoint(ApiRequest r) {
        for (String path : List.of("/compaction/status", "/compaction/health", "/compaction/trigger-check",
                "/compaction/internal/rollback-processing", "/compaction/config", "/compaction/reset",
                "/compaction/cleanup", "/compaction/trigger", "/compaction/retry", "/compaction/uncompact")) {
            if (path.equals(r.path())) {
                return new ApiException(405, "method " + r.method() + " is not allowed on " + path);
            }
        }
        return new ApiException(404, "no endpoint " + r.path());
    }

    private Response status(ApiRequest r) throws ApiException, StatusUnavailableException {
        String namespace = r.namespace(null);
        return new Response(200, namespaceStatus(namespace));
    }

    private NamespaceStatus namespaceStatus(String namespace) throws ApiException, StatusUnavailableException {
        return JobStatus.fromJson(source.snapshots()).namespace(namespace, clock.millis(), health)
                .orElseThrow(() -> new ApiException(404, "unknown namespace '" + namespace + "'"));
    }

    private Response health() throws StatusUnavailableException {
        HealthReport report = JobStatus.fromJson(source.snapshots()).health(clock.millis(), health);
        return new Response(report.status() == HealthLevel.UNHEALTHY ? 503 : 200, report);
    }

    private Response namespaceCommand(ApiRequest r, ControlCommand.Kind kind)
            throws ApiException, StatusUnavailableException, IOException {
        authorize(r);
        String namespace = r.namespace(null);
        r.jsonBody(Set.of());
        refuseSharded(namespace);
        return enqueue(namespace, ControlCommand.of(commands.newId(), kind));
    }

    private Response config(ApiRequest r) throws ApiException, StatusUnavailableException, IOException {
        authorize(r);
        String namespace = r.namespace(null);
        JsonNode priority = r.jsonBody(CONFIG_FIELDS).get("priority");
        if (priority == null) {
            throw new ApiException(400, "the body needs a priority: {\"priority\": 0-3}");
        }
        if (!priority.isInt() || priority.intValue() < 0 || priority.intValue() > 3) {
            throw new ApiException(400, "priority must be an integer from 0 (critical) to 3 (background), was "
                    + priority);
        }
        refuseSharded(namespace);
        return enqueue(namespace, ControlCommand.setPriority(commands.newId(), priority.intValue()));
    }

    private Response rollback(ApiRequest r) throws ApiException, StatusUnavailableException, IOException {
        return rollback(r, false);
    }

    /** A rollback with merge parameters for the window; a pending window only takes the parameters. */
    private Response retry(ApiRequest r) throws ApiException, StatusUnavailableException, IOException {
        return rollback(r, true);
    }

    private Response rollback(ApiRequest r, boolean pendingToo)
            throws ApiException, StatusUnavailableException, IOException {
        authorize(r);
        JsonNode body = r.jsonBody(ROLLBACK_FIELDS);
        String namespace = bodyNamespace(r, body);
        String windowKey = windowKey(body);
        WindowOverrides overrides = overrides(body);
        List<WindowStatus> generations = generations(namespace, windowKey);
        if (generations.isEmpty()) {
            throw new ApiException(404, "namespace '" + namespace + "' has no window " + windowKey);
        }
        if (generations.stream().noneMatch(w -> ROLLBACK_STATES.contains(w.processingStatus().state())
                || pendingToo && w.processingStatus().state().equals("pending"))) {
            throw new ApiException(409, "window " + windowKey + " is not processing, dispatched or "
                    + "failed; nothing to roll back", Map.of("state", generations.get(0).processingStatus().state()));
        }
        long windowStart = Long.parseLong(windowKey);
        if (!overrides.isEmpty()) {
            commands.writeOverrides(namespace, windowStart, overrides);
        }
        return enqueue(namespace, ControlCommand.rollback(commands.newId(), windowStart, overrides.spec()));
    }

    /**
     * The runbook's manual trigger: the window's pending generation is compacted now, whatever its readiness. 404 for
     * a window the namespace does not track, 409 when none of its generations is pending (already processing or
     * dispatched; a failed one needs a rollback). A window held after an uncompact is always accepted.
     */
    private Response trigger(ApiRequest r) throws ApiException, StatusUnavailableException, IOException {
        authorize(r);
        JsonNode body = r.jsonBody(WINDOW_FIELDS);
        String namespace = bodyNamespace(r, body);
        String windowKey = windowKey(body);
        NamespaceStatus status = namespaceStatus(namespace);
        List<WindowStatus> generations = status.windows().stream().filter(w -> w.key().equals(windowKey)).toList();
        boolean held = status.heldWindows().contains(windowKey);
        if (generations.isEmpty() && !held) {
            throw new ApiException(404, "namespace '" + namespace + "' has no window " + windowKey);
        }
        if (!held && generations.stream().noneMatch(w -> w.processingStatus().state().equals("pending"))) {
            String state = generations.get(0).processingStatus().state();
            throw new ApiException(409, "window " + windowKey + " is already " + state + "; nothing to trigger"
                    + (state.equals("failed") ? " (roll a failed window back)" : ""), Map.of("state", state));
        }
        return enqueue(namespace, ControlCommand.trigger(commands.newId(), Long.parseLong(windowKey)));
    }

    /**
     * Un-compacts a committed window generation (the newest, or {@code generation}): the job first holds the window
     * (a command, awaited in the status), so that the sources put back are not compacted again until a trigger; then
     * the bucket steps run here ({@link Uncompactor}). 200 with what was done; 404 without a manifest; 409 when the
     * sources cannot be put back (nothing changed); 503 when the job did not hold the window in time (nothing
     * changed). Running it again finishes an interrupted run.
     */
    private Response uncompact(ApiRequest r) throws ApiException, StatusUnavailableException, IOException {
        authorize(r);
        JsonNode body = r.jsonBody(UNCOMPACT_FIELDS);
        String namespace = bodyNamespace(r, body);
        String windowKey = windowKey(body);
        JsonNode generationField = body.get("generation");
        if (generationField != null && (!generationField.isInt() || generationField.intValue() < 0)) {
            throw new ApiException(400, "generation must be a non-negative integer, was " + generationField);
        }
        long windowStart = Long.parseLong(windowKey);
        Optional<String> manifest = commands.manifestToUncompact(namespace, windowStart,
                generationField == null ? null : generationField.intValue());
        if (manifest.isEmpty()) {
            throw new ApiException(404, "namespace '" + namespace + "' window " + windowKey + " has no manifest"
                    + (generationField == null ? "" : " of generation " + generationField.intValue()));
        }
        namespaceStatus(namespace); // 404 for a namespace the job does not know
        try {
            commands.checkUncompact(manifest.get()); // before the hold: a refused uncompact leaves the window alone
        } catch (Uncompactor.RefusedException e) {
            throw new ApiException(409, e.getMessage());
        }
        ControlCommand hold = ControlCommand.uncompact(commands.newId(), windowStart);
        commands.enqueue(namespace, hold);
        awaitHold(namespace, windowKey, hold);
        Uncompactor.Result result;
        try {
            result = commands.uncompact(manifest.get());
        } catch (Uncompactor.RefusedException e) {
            throw new ApiException(409, e.getMessage() + " The window is held: trigger it to compact it as it is.");
        } catch (IOException e) {
            LOG.error("uncompact of {} interrupted", manifest.get(), e);
            throw new ApiException(500, "uncompact of " + manifest.get() + " was interrupted (" + e.getMessage()
                    + "); no row is lost, and running it again finishes it");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("namespace", namespace);
        answer.put("windowKey", windowKey);
        answer.put("generation", result.generation());
        answer.put("manifest", result.manifestKey());
        answer.put("commandId", hold.id());
        answer.put("restoredSources", result.restored());
        answer.put("restoredBytes", result.restoredBytes());
        answer.put("removedOutputs", result.outputsRemoved());
        answer.put("finishedEarlierRun", result.alreadyRolledBack());
        answer.put("held", true);
        return new Response(200, answer);
    }

    private void awaitHold(String namespace, String windowKey, ControlCommand hold)
            throws ApiException, StatusUnavailableException {
        long deadline = System.nanoTime() + HOLD_WAIT_MS * 1_000_000;
        while (!namespaceStatus(namespace).heldWindows().contains(windowKey)) {
            if (System.nanoTime() - deadline >= 0) {
                throw new ApiException(503, "the job did not hold window " + windowKey + " within " + HOLD_WAIT_MS
                        + " ms (command " + hold.id() + "); nothing was changed in the bucket. Check that the job "
                        + "runs and sees _control/, then run uncompact again.");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "interrupted while waiting for the job to hold window " + windowKey);
            }
        }
    }

    private String bodyNamespace(ApiRequest r, JsonNode body) throws ApiException {
        JsonNode namespaceField = body.get("namespace");
        if (namespaceField != null && !namespaceField.isTextual()) {
            throw new ApiException(400, "namespace must be a string");
        }
        return r.namespace(namespaceField == null ? null : namespaceField.textValue());
    }

    private static String windowKey(JsonNode body) throws ApiException {
        JsonNode windowKey = body.get("windowKey");
        if (windowKey == null || !windowKey.isTextual() || !windowKey.textValue().matches("\\d{1,18}")) {
            throw new ApiException(400, "windowKey must be the window start in epoch milliseconds, as a string "
                    + "(the key in the status' windows), was " + windowKey);
        }
        return windowKey.textValue();
    }

    private List<WindowStatus> generations(String namespace, String windowKey)
            throws ApiException, StatusUnavailableException {
        return namespaceStatus(namespace).windows().stream().filter(w -> w.key().equals(windowKey)).toList();
    }

    /** mergeMemory, targetFileSize, rowGroupSize as bytes or sizes ("512mb"), sort as a boolean, engine FAST|REFERENCE. */
    static WindowOverrides overrides(JsonNode body) throws ApiException {
        try {
            JsonNode sort = body.get("sort");
            if (sort != null && !sort.isBoolean()) {
                throw new IllegalArgumentException("sort must be true or false, was " + sort);
            }
            JsonNode engine = body.get("engine");
            if (engine != null && !engine.isTextual()) {
                throw new IllegalArgumentException("engine must be \"FAST\" or \"REFERENCE\", was " + engine);
            }
            return new WindowOverrides(size(body, "mergeMemory"), size(body, "targetFileSize"),
                    size(body, "rowGroupSize"), sort == null ? null : sort.booleanValue(),
                    engine == null ? null : engine.textValue());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private static Long size(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isTextual()) {
            try {
                return MemorySize.parseBytes(value.textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException(field + " must be bytes or a size like \"512mb\", was " + value);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Commands without a window reach only a namespace's unsharded key, so they are refused for sharded ones. */
    private void refuseSharded(String namespace) throws ApiException, StatusUnavailableException {
        if (JobStatus.fromJson(source.snapshots()).isSharded(namespace)) {
            throw new ApiException(409, "namespace '" + namespace + "' is time-bucket sharded; only rollback "
                    + "reaches its shards (see docs/operations.md, Status, health, control commands)");
        }
    }

    private Response enqueue(String namespace, ControlCommand command) throws IOException {
        String key = commands.enqueue(namespace, command);
        LOG.info("enqueued control command {} for {} as {}", command.kind(), namespace, key);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", true);
        body.put("commandId", command.id());
        body.put("command", command.kind().verb);
        body.put("namespace", namespace);
        return new Response(202, body);
    }

    private void authorize(ApiRequest r) throws ApiException {
        String header = r.header("Authorization");
        String prefix = "Bearer ";
        boolean ok = header != null && header.startsWith(prefix) && MessageDigest.isEqual(token,
                header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throw new ApiException(401, header == null ? "missing bearer token" : "wrong bearer token");
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = StatusJson.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
