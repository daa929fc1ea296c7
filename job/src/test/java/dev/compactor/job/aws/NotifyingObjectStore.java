package dev.compactor.job.aws;

import dev.compactor.job.bridge.S3EventNotification;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.store.S3ObjectStore;
import dev.compactor.store.S3Settings;
import dev.compactor.store.WrappingOutputFile;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * An S3 bucket whose changes are announced on a Kinesis stream, the way S3 → EventBridge → Kinesis does in
 * production: every object created or removed through this store, by the test's writers, the job itself (staged
 * markers, manifests, published parts, deleted sources, quarantine reasons) or the status API (control commands),
 * puts an S3 event notification on the stream, if the README's event rule matches its key: only keys under
 * {@link BucketLayout#eventPrefixes()} (EventRuleDocTest holds the rule to that list), so a prefix the rule left out
 * would be missed here as in production. A notification goes out after the change, as S3 sends it.
 */
public final class NotifyingObjectStore extends ForwardingObjectStore {

    private static final List<String> RULE_PREFIXES = BucketLayout.defaults().eventPrefixes();

    private final S3ObjectStore store;
    private final KinesisClient kinesis;
    private final String stream;

    private NotifyingObjectStore(S3ObjectStore store, KinesisClient kinesis, String stream) {
        super(store);
        this.store = store;
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /** A factory that can travel to the task managers: it carries settings, not clients. */
    public static ObjectStoreFactory factory(S3Settings s3, String kinesisEndpoint, String stream) {
        return () -> open(s3, kinesisEndpoint, stream);
    }

    public static NotifyingObjectStore open(S3Settings s3, String kinesisEndpoint, String stream) {
        KinesisClient kinesis = KinesisClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .endpointOverride(URI.create(kinesisEndpoint))
                .region(Region.of(KinesisLocal.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(KinesisLocal.ACCESS_KEY, KinesisLocal.SECRET_KEY)))
                .build();
        return new NotifyingObjectStore(S3ObjectStore.open(s3), kinesis, stream);
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        return new WrappingOutputFile(store.outputFile(key)) {
            @Override
            protected PositionOutputStream wrap(PositionOutputStream out) {
                return announcingOnClose(out, key);
            }
        };
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        store.write(key, content);
        announceCreated(key);
    }

    @Override
    public void move(String from, String to) throws IOException {
        store.move(from, to);
        announceCreated(to);
        announceRemoved(from);
    }

    @Override
    public boolean delete(String key) throws IOException {
        boolean deleted = store.delete(key);
        if (deleted) {
            announceRemoved(key);
        }
        return deleted;
    }

    @Override
    public void close() {
        store.close();
        kinesis.close();
    }

    private PositionOutputStream announcingOnClose(PositionOutputStream out, String key) {
        return new PositionOutputStream() {
            private boolean closed;

            @Override
            public long getPos() throws IOException {
                return out.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.close();
                if (!closed) {
                    closed = true;
                    announceCreated(key);
                }
            }
        };
    }

    private static boolean matchesRule(String key) {
        return RULE_PREFIXES.stream().anyMatch(key::startsWith);
    }

    private void announceCreated(String key) throws IOException {
        if (!matchesRule(key)) {
            return;
        }
        ObjectInfo info = store.head(key).orElseThrow(() -> new IOException("just written, yet absent: " + key));
        put(key, S3EventNotification.created(store.settings().bucket(), KinesisLocal.REGION,
                store.settings().prefix() + key, info.size(), info.eTag(), Instant.now()));
    }

    private void announceRemoved(String key) {
        if (!matchesRule(key)) {
            return;
        }
        put(key, S3EventNotification.removed(store.settings().bucket(), KinesisLocal.REGION,
                store.settings().prefix() + key, Instant.now()));
    }

    private void put(String key, String notification) {
        kinesis.putRecord(r -> r.streamName(stream).partitionKey(key)
                .data(SdkBytes.fromString(notification, StandardCharsets.UTF_8)));
    }
}
