package dev.compactor.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code savepoint} against a stand-in for Flink's REST API that answers the calls the command makes. */
class SavepointCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer flink;
    private String jobsOverview;
    private final List<String> stopRequests = new ArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startFlink() throws IOException {
        flink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        flink.createContext("/jobs/overview", exchange -> answer(exchange, jobsOverview));
        flink.createContext("/jobs/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/stop")) {
                stopRequests.add(path + " " + new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                answer(exchange, "{\"request-id\":\"t1\"}");
            } else if (path.endsWith("/savepoints/t1")) {
                answer(exchange, "{\"status\":{\"id\":\"COMPLETED\"},"
                        + "\"operation\":{\"location\":\"file:/sp/savepoint-1\"}}");
            } else {
                answer(exchange, 404, "{\"errors\":[\"not found\"]}");
            }
        });
        flink.start();
    }

    @AfterEach
    void stopFlink() {
        flink.stop(0);
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        answer(exchange, 200, body);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private int savepoint(String... args) {
        CommandLine cli = CompactorCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("savepoint", "--rest",
                "http://127.0.0.1:" + flink.getAddress().getPort()));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    private static String jobs(String... states) {
        StringBuilder jobs = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < states.length; i++) {
            jobs.append(i == 0 ? "" : ",").append("{\"jid\":\"job").append(i).append("\",\"state\":\"")
                    .append(states[i]).append("\"}");
        }
        return jobs.append("]}").toString();
    }

    @Test
    void stopsTheOnlyRunningJobIntoTheJobsSavepointDirectory() throws Exception {
        jobsOverview = jobs("FINISHED", "RUNNING");

        assertEquals(0, savepoint(), err.toString());

        assertEquals(1, stopRequests.size());
        String[] request = stopRequests.get(0).split(" ", 2);
        assertEquals("/jobs/job1/stop", request[0]);
        JsonNode body = JSON.readTree(request[1]);
        assertFalse(body.has("targetDirectory"), "the job's own savepoint directory: " + body);
        assertFalse(body.get("drain").asBoolean(), "windows stay open across the savepoint");
        assertTrue(out.toString().contains("file:/sp/savepoint-1"), out.toString());
        assertTrue(out.toString().contains("restore --from file:/sp/savepoint-1"), out.toString());
    }

    @Test
    void writesToTheNamedDirectoryForTheNamedJob() throws Exception {
        jobsOverview = jobs("RUNNING", "RUNNING");

        assertEquals(0, savepoint("--job", "job0", "--to", "file:/elsewhere"), err.toString());

        String[] request = stopRequests.get(0).split(" ", 2);
        assertEquals("/jobs/job0/stop", request[0]);
        assertEquals("file:/elsewhere", JSON.readTree(request[1]).get("targetDirectory").asText());
    }

    @Test
    void withoutOneRunningJobTheUserMustNameIt() {
        jobsOverview = jobs("RUNNING", "RUNNING");

        assertEquals(2, savepoint());

        assertTrue(stopRequests.isEmpty());
        assertTrue(err.toString().contains("2 jobs are running") && err.toString().contains("--job ID"),
                err.toString());
    }
}
