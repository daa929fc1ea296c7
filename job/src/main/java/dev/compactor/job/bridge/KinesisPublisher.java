package dev.compactor.job.bridge;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.InvalidOptionException;
import dev.compactor.job.source.KinesisNotificationSource;

import org.apache.flink.configuration.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;

/** Puts records on the stream the job reads, configured by the same events.kinesis.* options. */
public final class KinesisPublisher implements BiConsumer<String, String>, AutoCloseable {

    private final KinesisClient client;
    private final String stream;
    private final String region;

    private KinesisPublisher(KinesisClient client, String stream, String region) {
        this.client = client;
        this.stream = stream;
        this.region = region;
    }

    public static KinesisPublisher open(Configuration conf) {
        conf.getOptional(CompactorOptions.KINESIS_STREAM_ARN).orElseThrow(() -> new InvalidOptionException(
                "--" + CompactorOptions.KINESIS_STREAM_ARN.key() + " is missing: the stream to announce objects on"));
        Matcher arn = KinesisNotificationSource.streamArn(conf);
        String region = conf.getOptional(CompactorOptions.KINESIS_REGION).orElse(arn.group(1));
        KinesisClientBuilder b = KinesisClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(Region.of(region));
        conf.getOptional(CompactorOptions.KINESIS_ENDPOINT).ifPresent(e -> b.endpointOverride(URI.create(e)));
        String accessKey = conf.getOptional(CompactorOptions.KINESIS_ACCESS_KEY).orElse(null);
        b.credentialsProvider(accessKey == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        conf.get(CompactorOptions.KINESIS_SECRET_KEY))));
        return new KinesisPublisher(b.build(), arn.group(3), region);
    }

    public String region() {
        return region;
    }

    @Override
    public void accept(String partitionKey, String record) {
        client.putRecord(r -> r.streamName(stream).partitionKey(partitionKey)
                .data(SdkBytes.fromString(record, StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        client.close();
    }
}
