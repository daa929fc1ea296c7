package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An S3-compatible bucket (AWS S3, R2, MinIO, S3Proxy) through the AWS SDK v2, under an optional key prefix.
 *
 * <p>Objects appear whole: a put is atomic, and output files are buffered in a local temporary file and uploaded
 * on close (multipart above {@link S3Settings#multipartThreshold()}). S3 has no rename, so {@link #move} is a copy
 * then a delete; the copy carries {@code If-None-Match: *} so it never replaces an object it did not write, and a
 * destination that already holds an object of the source's size counts as an earlier, interrupted move.
 *
 * <p>SDK failures surface as {@link IOException}s, so callers' retry-on-I/O-error rules apply to S3 as to disks.
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final int NOT_FOUND = 404;
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_IMPLEMENTED = 501;
    /** S3's limit for a single CopyObject; our parts are bounded by the target file size, far below it. */
    private static final long MAX_SINGLE_COPY = 5L << 30;

    private final S3Client s3;
    private final S3Settings settings;
    /** Set once a store answers that it does not know conditional copies; later copies skip the header. */
    private volatile boolean conditionalCopyUnsupported;

    S3ObjectStore(S3Client s3, S3Settings settings) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A store with its own client, built from the settings. */
    public static S3ObjectStore open(S3Settings settings) {
        return new S3ObjectStore(clientBuilder(settings).build(), settings);
    }

    static S3ClientBuilder clientBuilder(S3Settings settings) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .forcePathStyle(settings.pathStyleAccess())
                // Since SDK 2.30 the client adds CRC checksums to every request by default; S3-compatible stores
                // (S3Proxy, older MinIO, some R2 paths) reject those requests. Manifests carry our own SHA-256.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            b.endpointOverride(URI.create(settings.endpoint()));
        }
        if (settings.region() != null) {
            b.region(Region.of(settings.region()));
        } else if (settings.endpoint() != null) {
            // S3-compatible stores ignore the region, but the SDK needs one to sign with.
            b.region(Region.US_EAST_1);
        }
        b.credentialsProvider(settings.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
        return b;
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        Objects.requireNonNull(prefix, "prefix");
        String full = settings.prefix() + prefix;
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(full)).contents()) {
                // Keys ending in '/' are folder markers some consoles create, not objects.
                if (!o.key().endsWith("/")) {
                    out.add(new ObjectInfo(o.key().substring(settings.prefix().length()), o.size(),
                            o.lastModified().toEpochMilli(), unquote(o.eTag())));
                }
            }
        } catch (SdkException e) {
            throw failure("list", full, e);
        }
        // S3 orders by UTF-8 bytes, Java strings by UTF-16 units; the contract is Java's order.
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        String full = fullKey(key);
        try {
            HeadObjectResponse h = s3.headObject(r -> r.bucket(settings.bucket()).key(full));
            return Optional.of(new ObjectInfo(key, h.contentLength(), h.lastModified().toEpochMilli(), unquote(h.eTag())));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw failure("head", full, e);
        } catch (SdkException e) {
            throw failure("head", full, e);
        }
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        ObjectInfo info = head(key).orElseThrow(() -> missing(key));
        return new S3InputFile(this, key, info.size());
    }

    @Override
    public OutputFile outputFile(String key) {
        return new S3OutputFile(this, key);
    }

    @Override
    public byte[] read(String key) throws IOException {
        String full = fullKey(key);
        try {
            return s3.getObjectAsBytes(r -> r.bucket(settings.bucket()).key(full)).asByteArray();
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw missing(key);
            }
            throw failure("get", full, e);
        } catch (SdkException e) {
            throw failure("get", full, e);
        }
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        Objects.requireNonNull(content, "content");
        put(key, RequestBody.fromBytes(content));
    }

    /**
     * A PutObject with {@code If-None-Match: *}: S3 answers 412 when the key exists; any other failure (a 409 for
     * a concurrent conditional put of the same key among them) is an IOException the caller retries. Unlike the conditional copy, there is no
     * fallback for a store that answers 501: an unconditional put could replace another writer's commit record.
     */
    @Override
    public boolean writeIfAbsent(String key, byte[] content) throws IOException {
        Objects.requireNonNull(content, "content");
        String full = fullKey(key);
        try {
            s3.putObject(r -> r.bucket(settings.bucket()).key(full).ifNoneMatch("*"), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                return false;
            }
            throw failure("conditional put", full, e);
        } catch (SdkException e) {
            throw failure("conditional put", full, e);
        }
    }

    @Override
    public void move(String from, String to) throws IOException {
        ObjectInfo source = head(from).orElseThrow(() -> missing(from));
        if (!alreadyMoved(source, to)) {
            copy(source, to);
        }
        delete(from);
    }

    @Override
    public boolean delete(String key) throws IOException {
        // S3 deletes succeed whether or not the object exists; the head tells the caller which it was.
        if (head(key).isEmpty()) {
            return false;
        }
        String full = fullKey(key);
        try {
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(full));
            return true;
        } catch (SdkException e) {
            throw failure("delete", full, e);
        }
    }

    /**
     * The head's check, then a DeleteObject with {@code If-Match}: where the server honours it (AWS S3 general
     * purpose and directory buckets do; an ETag condition needs {@code s3:GetObject} besides {@code s3:DeleteObject}),
     * a rewrite between the head and the delete answers 412 and the new object stays, and an object deleted in
     * between answers 404. S3Proxy ignores the header and deletes (S3ObjectStoreTest), as may other S3-compatible
     * servers: there only the head's check holds, and a rewrite between the head and the delete is lost.
     */
    @Override
    public boolean deleteVersion(String key, long size, String eTag) throws IOException {
        Optional<ObjectInfo> current = head(key);
        if (current.isEmpty() || !current.get().isVersion(size, eTag)) {
            return false;
        }
        String full = fullKey(key);
        String match = "\"" + current.get().eTag() + "\"";
        try {
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(full).ifMatch(match));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                return false; // written again since the head: that version is not ours to delete
            }
            if (e.statusCode() == 404) {
                return false; // deleted since the head (a replay): with If-Match, S3 says so instead of 204
            }
            throw failure("delete", full, e);
        } catch (SdkException e) {
            throw failure("delete", full, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Reads {@code length} bytes at {@code position} of the object into {@code into} with one ranged GET. */
    void readRange(String key, long position, byte[] into, int offset, int length) throws IOException {
        String full = fullKey(key);
        String range = "bytes=" + position + "-" + (position + length - 1);
        try (ResponseInputStream<GetObjectResponse> in =
                     s3.getObject(r -> r.bucket(settings.bucket()).key(full).range(range))) {
            int read = in.readNBytes(into, offset, length);
            if (read != length) {
                throw new EOFException("s3://" + settings.bucket() + "/" + full + ": range " + range + " returned "
                        + read + " bytes, expected " + length + " (object shorter than its listing said?)");
            }
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw missing(key);
            }
            throw failure("get " + range, full, e);
        } catch (SdkException e) {
            throw failure("get " + range, full, e);
        }
    }

    void put(String key, RequestBody body) throws IOException {
        String full = fullKey(key);
        try {
            s3.putObject(r -> r.bucket(settings.bucket()).key(full), body);
        } catch (SdkException e) {
            throw failure("put", full, e);
        }
    }

    S3Client client() {
        return s3;
    }

    String fullKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("object key must be a non-empty relative path, was '" + key + "'");
        }
        return settings.prefix() + key;
    }

    StoreFailureException failure(String operation, String fullKey, SdkException e) {
        return new StoreFailureException("S3 " + operation + " of s3://" + settings.bucket() + "/" + fullKey + " failed: "
                + e.getMessage(), e);
    }

    /** True when {@code to} already holds the source's bytes from an earlier attempt; throws on a different object. */
    private boolean alreadyMoved(ObjectInfo source, String to) throws IOException {
        Optional<ObjectInfo> existing = head(to);
        if (existing.isEmpty()) {
            return false;
        }
        if (existing.get().size() != source.size()) {
            throw new FileAlreadyExistsException(settings.uri() + to, settings.uri() + source.key(),
                    "destination already holds a different object (" + existing.get().size() + " bytes, the source has "
                            + source.size() + "); refusing to replace it");
        }
        LOG.debug("{} already holds {} bytes: an earlier move of {} got this far", to, source.size(), source.key());
        return true;
    }

    private void copy(ObjectInfo source, String to) throws IOException {
        if (source.size() > MAX_SINGLE_COPY) {
            throw new IOException("cannot move " + source.key() + ": " + source.size() + " bytes exceeds S3's "
                    + MAX_SINGLE_COPY + "-byte limit for a single copy; lower compaction.target-file-size");
        }
        String fromKey = fullKey(source.key());
        String toKey = fullKey(to);
        try {
            s3.copyObject(r -> {
                r.sourceBucket(settings.bucket()).sourceKey(fromKey)
                        .destinationBucket(settings.bucket()).destinationKey(toKey);
                if (!conditionalCopyUnsupported) {
                    r.ifNoneMatch("*");
                }
            });
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                // Someone published it between our head and the copy: a concurrent replay; same rule as above.
                if (!alreadyMoved(source, to)) {
                    throw failure("copy (precondition failed, yet no destination)", toKey, e);
                }
            } else if (e.statusCode() == NOT_IMPLEMENTED && !conditionalCopyUnsupported) {
                LOG.info("{} does not support conditional copies; relying on the existence check before each copy",
                        settings.uri());
                conditionalCopyUnsupported = true;
                copy(source, to);
            } else {
                throw failure("copy from " + fromKey, toKey, e);
            }
        } catch (SdkException e) {
            throw failure("copy from " + fromKey, toKey, e);
        }
    }

    private NoSuchFileException missing(String key) {
        return new NoSuchFileException(settings.uri() + key, null, "no such object");
    }

    private static String unquote(String eTag) {
        return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }

    @Override
    public String toString() {
        return "S3ObjectStore(" + settings + ")";
    }
}
