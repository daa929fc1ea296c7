package dev.compactor.job.api;

import dev.compactor.events.ControlCommand;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Reading one request: query parameters, a size-limited JSON object body with known fields, a namespace. */
final class ApiRequest {

    static final int MAX_BODY_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final Map<String, String> query = new HashMap<>();

    ApiRequest(HttpExchange exchange) throws ApiException {
        this.exchange = exchange;
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (query.put(name, value) != null) {
                    throw new ApiException(400, "query parameter '" + name + "' is given more than once");
                }
            }
        }
    }

    String method() {
        return exchange.getRequestMethod();
    }

    String path() {
        return exchange.getRequestURI().getPath();
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The namespace from the query (or {@code fallback}), checked like the classifier checks bucket keys. */
    String namespace(String fallback) throws ApiException {
        String namespace = query.getOrDefault("namespace", fallback);
        if (namespace == null) {
            throw new ApiException(400, "the namespace is missing: add ?namespace=NS");
        }
        try {
            return ControlCommand.checkNamespace(namespace);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid namespace: " + e.getMessage());
        }
    }

    /** The body as a JSON object holding only {@code allowed} fields; an empty body is an empty object. */
    JsonNode jsonBody(Set<String> allowed) throws ApiException, IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiException(400, "unknown field '" + name + "'; allowed: " + allowed);
            }
        }
        return body;
    }

    private static String decode(String s) throws ApiException {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "the query is not properly URL-encoded");
        }
    }
}
