package dev.compactor.job.cli;

import dev.compactor.job.api.ApiSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Where the status API is and how to talk to it: shared by every CLI command that wraps the API. */
final class ApiClientOptions {

    static final String URL_ENV = "COMPACTOR_API_URL";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--api", paramLabel = "URL",
            description = "The status API (default: $" + URL_ENV + ", else http://localhost:8080).")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token for commands that change something (default: $" + ApiSettings.TOKEN_ENV + ").")
    String token;

    @Option(names = "--json", description = "Print the API's JSON answer instead of a table.")
    boolean json;

    /** An API answer: its HTTP status and JSON body. */
    record Answer(int status, JsonNode body) {
        String error() {
            return body.path("error").asText(body.toString());
        }
    }

    Answer call(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, Duration.ofSeconds(30));
    }

    /** A call whose answer may take up to {@code timeout} (an uncompact waits for the job, then moves objects). */
    Answer call(String method, String path, String body, Duration timeout) throws IOException, InterruptedException {
        String base = api != null ? api : System.getenv().getOrDefault(URL_ENV, "http://localhost:8080");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stripSlash(base) + path))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        String bearer = token != null ? token : System.getenv(ApiSettings.TOKEN_ENV);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach the status API at " + base + " (" + e + ")", e);
        }
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    static String query(String namespace) {
        return "?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
