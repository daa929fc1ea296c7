package dev.compactor.store;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where an S3-compatible bucket is and how to reach it. Serializable, so a store factory carrying it can travel
 * to the task managers, where the client is built.
 *
 * @param bucket             the bucket name
 * @param prefix             prepended to every key the job uses; empty, or ending in '/'
 * @param endpoint           endpoint URI for S3-compatible stores (R2, MinIO, S3Proxy); null for AWS's own
 * @param region             signing region; null takes the SDK's default chain (us-east-1 with an endpoint)
 * @param pathStyleAccess    address the bucket as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}
 * @param accessKey          static credentials; null uses the SDK's default credentials chain
 * @param secretKey          secret of {@code accessKey}; set exactly when it is
 * @param multipartThreshold objects written through an output file at or above this size use multipart upload
 * @param partSize           size of each multipart part but the last; S3 needs at least 5 MiB
 */
public record S3Settings(String bucket, String prefix, String endpoint, String region, boolean pathStyleAccess,
                         String accessKey, String secretKey, long multipartThreshold, long partSize)
        implements Serializable {

    public static final long MIN_PART_SIZE = 5L << 20;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L << 20;
    public static final long DEFAULT_PART_SIZE = 16L << 20;

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket name is missing");
        }
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
            throw new IllegalArgumentException("S3 key prefix must be empty or a relative path ending in '/', was '"
                    + prefix + "'");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("give both an S3 access key and a secret key, or neither "
                    + "(then the default AWS credentials chain is used)");
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("multipart part size must be at least " + MIN_PART_SIZE
                    + " bytes (S3's minimum), was " + partSize);
        }
        if (multipartThreshold < partSize) {
            throw new IllegalArgumentException("multipart threshold (" + multipartThreshold
                    + " bytes) must not be below the part size (" + partSize + " bytes)");
        }
    }

    /** Settings with the default multipart sizes. */
    public static S3Settings of(String bucket, String prefix, String endpoint, String region, boolean pathStyleAccess,
                                String accessKey, String secretKey) {
        return new S3Settings(bucket, prefix, endpoint, region, pathStyleAccess, accessKey, secretKey,
                DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE);
    }

    public S3Settings withMultipart(long threshold, long size) {
        return new S3Settings(bucket, prefix, endpoint, region, pathStyleAccess, accessKey, secretKey, threshold, size);
    }

    /** The bucket as a URI, for messages. */
    public String uri() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public String toString() {
        // Never print the secret: settings end up in logs and exception messages.
        return "S3Settings(" + uri() + ", endpoint=" + endpoint + ", region=" + region + ", pathStyle="
                + pathStyleAccess + ", credentials=" + (accessKey == null ? "default chain" : "static " + accessKey)
                + ")";
    }
}
