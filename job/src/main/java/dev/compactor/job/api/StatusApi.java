package dev.compactor.job.api;

import dev.compactor.events.ControlCommand;
import dev.compactor.status.HealthLevel;
import dev.compactor.status.HealthReport;
import dev.compactor.status.HealthRule;
import dev.compactor.status.JobStatus;
import dev.compactor.status.NamespaceStatus;
import dev.compactor.status.StatusJson;
import dev.compactor.status.WindowStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final Set<String> ROLLBACK_FIELDS = Set.of("windowKey", "namespace");
    private static final Set<String> CONFIG_FIELDS = Set.of("priority");
    private static final Set<String> ROLLBACK_STATES = Set.of("processing", "dispatched", "failed");

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
            default -> throw unknownEndpoint(r);
        };
    }

    private static ApiException unknownEndpoint(ApiRequest r) {
        for (String path : List.of("/compaction/status", "/compaction/health", "/compaction/trigger-check",
                "/compaction/internal/rollback-processing", "/compaction/config", "/compaction/reset",
                "/compaction/cleanup")) {
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
        authorize(r);
        JsonNode body = r.jsonBody(ROLLBACK_FIELDS);
        JsonNode namespaceField = body.get("namespace");
        if (namespaceField != null && !namespaceField.isTextual()) {
            throw new ApiException(400, "namespace must be a string");
        }
        String namespace = r.namespace(namespaceField == null ? null : namespaceField.textValue());
        JsonNode windowKey = body.get("windowKey");
        if (windowKey == null || !windowKey.isTextual() || !windowKey.textValue().matches("\\d{1,18}")) {
            throw new ApiException(400, "windowKey must be the window start in epoch milliseconds, as a string "
                    + "(the key in the status' windows), was " + windowKey);
        }
        List<WindowStatus> generations = namespaceStatus(namespace).windows().stream()
                .filter(w -> w.key().equals(windowKey.textValue()))
                .toList();
        if (generations.isEmpty()) {
            throw new ApiException(404, "namespace '" + namespace + "' has no window " + windowKey.textValue());
        }
        if (generations.stream().noneMatch(w -> ROLLBACK_STATES.contains(w.processingStatus().state()))) {
            throw new ApiException(409, "window " + windowKey.textValue() + " is not processing, dispatched or "
                    + "failed; nothing to roll back", Map.of("state", generations.get(0).processingStatus().state()));
        }
        return enqueue(namespace, ControlCommand.rollback(commands.newId(), Long.parseLong(windowKey.textValue())));
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
