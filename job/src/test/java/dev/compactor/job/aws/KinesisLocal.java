package dev.compactor.job.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * kinesis-local (the npm build of kinesis-mock), started as a child process on free ports and stopped on close.
 * It must be installed under {@code it/node_modules} ({@code npm ci --prefix it}, which .ci/run does).
 */
public final class KinesisLocal implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    public static final String ACCESS_KEY = "kinesis-access";
    public static final String SECRET_KEY = "kinesis-secret";
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Path INSTALL = Path.of("..", "it", "node_modules", "kinesis-local").toAbsolutePath().normalize();

    private final Process process;
    private final int port;
    private final KinesisClient client;

    private KinesisLocal(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = KinesisClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(URI.create(endpoint()))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public static KinesisLocal start(Path logFile) throws Exception {
        Path main = INSTALL.resolve("main.js");
        if (!Files.isRegularFile(main)) {
            throw new IllegalStateException("kinesis-local is not installed at " + INSTALL
                    + "; run `npm ci --prefix it` in the repository root");
        }
        int plainPort = freePort();
        ProcessBuilder pb = new ProcessBuilder("node", main.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        // The certificate is looked up relative to the working directory unless given; the TLS port is unused
        // but must not collide with another instance.
        pb.environment().put("KINESIS_MOCK_CERT_PATH", INSTALL.resolve("server.json").toString());
        pb.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort));
        pb.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(freePort()));
        pb.environment().put("LOG_LEVEL", "WARN");
        pb.environment().put("CREATE_STREAM_DURATION", "0ms");
        KinesisLocal server = new KinesisLocal(pb.start(), plainPort);
        try {
            server.awaitReady(logFile);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String streamArn(String stream) {
        return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + stream;
    }

    public KinesisClient client() {
        return client;
    }

    /** Creates a stream and waits until it takes records. */
    public void createStream(String stream, int shards) throws InterruptedException {
        client.createStream(r -> r.streamName(stream).shardCount(shards));
        Instant deadline = Instant.now().plus(STARTUP);
        while (client.describeStreamSummary(r -> r.streamName(stream)).streamDescriptionSummary().streamStatus()
                != StreamStatus.ACTIVE) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("stream " + stream + " did not become ACTIVE within " + STARTUP);
            }
            Thread.sleep(50);
        }
    }

    public void put(String stream, String partitionKey, String record) {
        client.putRecord(r -> r.streamName(stream).partitionKey(partitionKey)
                .data(SdkBytes.fromString(record, StandardCharsets.UTF_8)));
    }

    private void awaitReady(Path logFile) throws Exception {
        Instant deadline = Instant.now().plus(STARTUP);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kinesis-local exited with " + process.exitValue() + ": "
                        + Files.readString(logFile));
            }
            try {
                client.listStreams();
                return;
            } catch (RuntimeException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("kinesis-local did not answer within " + STARTUP + ": "
                            + Files.readString(logFile), notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
