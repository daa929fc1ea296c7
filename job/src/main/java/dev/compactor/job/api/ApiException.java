package dev.compactor.job.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request the API refuses: the HTTP status and a JSON body saying why. */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final Map<String, Object> body;

    ApiException(int status, String error) {
        this(status, error, Map.of());
    }

    ApiException(int status, String error, Map<String, Object> details) {
        super(error, null, false, false);
        this.status = status;
        this.body = new LinkedHashMap<>();
        body.put("error", error);
        body.putAll(details);
    }
}
