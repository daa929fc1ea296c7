package dev.compactor.job;

import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStoreFactory;
import dev.compactor.store.S3ObjectStore;
import dev.compactor.store.S3Settings;

import org.apache.flink.configuration.Configuration;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The {@code bucket} option: an {@code s3://bucket/prefix} URI, or a local directory (path or file:// URI).
 * Decides which store the job opens.
 */
public final class BucketLocation {

    private static final String S3_SCHEME = "s3://";

    private BucketLocation() {}

    public static boolean isS3(String bucket) {
        return bucket != null && bucket.regionMatches(true, 0, S3_SCHEME, 0, S3_SCHEME.length());
    }

    /** The store factory for the configured bucket: S3 for s3:// URIs, a local directory otherwise. */
    public static ObjectStoreFactory storeFactory(Configuration conf) {
        String bucket = conf.getOptional(CompactorOptions.BUCKET).orElse(null);
        if (isS3(bucket)) {
            S3Settings settings = s3Settings(conf);
            return () -> S3ObjectStore.open(settings);
        }
        String root = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket).toString();
        return () -> new LocalObjectStore(Path.of(root));
    }

    /** The key prefix every object of the job lives under: the path of an s3:// URI; none for a directory. */
    public static String keyPrefix(Configuration conf) {
        return isS3(conf.get(CompactorOptions.BUCKET)) ? s3Settings(conf).prefix() : "";
    }

    /** The S3 bucket, key prefix and connection options of an s3:// bucket. */
    public static S3Settings s3Settings(Configuration conf) {
        String value = conf.get(CompactorOptions.BUCKET);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(value, "not a valid URI: " + e.getMessage());
        }
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw invalid(value, "no bucket name; expected s3://bucket or s3://bucket/prefix");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw invalid(value, "an S3 bucket URI takes no query or fragment");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
        String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
        try {
            return S3Settings.of(bucket, prefix,
                    conf.getOptional(CompactorOptions.S3_ENDPOINT).orElse(null),
                    conf.getOptional(CompactorOptions.S3_REGION).orElse(null),
                    OptionReader.read(conf, CompactorOptions.S3_PATH_STYLE_ACCESS),
                    conf.getOptional(CompactorOptions.S3_ACCESS_KEY).orElse(null),
                    conf.getOptional(CompactorOptions.S3_SECRET_KEY).orElse(null));
        } catch (IllegalArgumentException e) {
            throw invalid(value, e.getMessage());
        }
    }

    private static InvalidOptionException invalid(String value, String reason) {
        return new InvalidOptionException("--" + CompactorOptions.BUCKET.key() + " '" + value + "': " + reason);
    }
}
