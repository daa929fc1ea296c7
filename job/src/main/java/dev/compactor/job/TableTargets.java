package dev.compactor.job;

import dev.compactor.layout.BucketLayout;
import dev.compactor.table.DeltaTarget;
import dev.compactor.table.IcebergTarget;
import dev.compactor.table.TableTarget;

import org.apache.flink.configuration.Configuration;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The table options as the commit's {@link TableTarget}: none, the Iceberg catalog and tables, or the Delta tables. */
public final class TableTargets {

    /** The catalog's name in Iceberg's logs and metrics. */
    static final String CATALOG_NAME = "compactor";

    private TableTargets() {}

    public static TableTarget of(Configuration conf) {
        return switch (TargetFormat.parse(conf.get(CompactorOptions.TARGET_FORMAT))) {
            case NATIVE -> TableTarget.NATIVE;
            case ICEBERG -> iceberg(conf);
            case DELTA -> delta(conf);
        };
    }

    /**
     * One Delta table per namespace under the table root (the bucket's _delta/ unless configured), written through
     * Hadoop's local file system: Kernel's default engine would need Hadoop's S3A file system for an S3 bucket, and
     * the job does not bundle it.
     */
    static DeltaTarget delta(Configuration conf) {
        String bucket = conf.get(CompactorOptions.BUCKET);
        String format = "--" + CompactorOptions.TARGET_FORMAT.key() + " delta";
        if (BucketLocation.isS3(bucket)) {
            throw new InvalidOptionException(format + " serves local directory buckets only (Delta Kernel's engine "
                    + "would need Hadoop's S3A file system for " + bucket + "); use iceberg with a catalog for S3");
        }
        if (conf.getOptional(CompactorOptions.TABLE_PARTITION_COLUMN).isPresent()) {
            throw new InvalidOptionException(format + " writes unpartitioned tables: --"
                    + CompactorOptions.TABLE_PARTITION_COLUMN.key() + " is for iceberg (Delta has no hour transform)");
        }
        Path bucketDir = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket);
        Path root = conf.getOptional(CompactorOptions.DELTA_TABLE_ROOT)
                .map(dir -> LocalDirectory.resolve(CompactorOptions.DELTA_TABLE_ROOT.key(), dir))
                .orElse(bucketDir.resolve(BucketLayout.DELTA_PREFIX));
        Path data = bucketDir.resolve(conf.get(CompactorOptions.DATA_PREFIX)).normalize();
        if (root.normalize().startsWith(data)) {
            throw new InvalidOptionException("--" + CompactorOptions.DELTA_TABLE_ROOT.key() + " " + root
                    + " lies under the data prefix " + data + ": the tables' logs would be taken for source files");
        }
        return new DeltaTarget(directoryUri(root), conf.get(CompactorOptions.TABLE_NAME_PATTERN),
                bucketLocation(conf));
    }

    private static String directoryUri(Path dir) {
        String uri = dir.toAbsolutePath().normalize().toUri().toString();
        return uri.endsWith("/") ? uri : uri + "/";
    }

    static IcebergTarget iceberg(Configuration conf) {
        return new IcebergTarget(CATALOG_NAME, catalogProperties(conf), conf.get(CompactorOptions.TABLE_DATABASE),
                conf.get(CompactorOptions.TABLE_NAME_PATTERN),
                conf.getOptional(CompactorOptions.TABLE_PARTITION_COLUMN).orElse(null), bucketLocation(conf));
    }

    /**
     * The configured Iceberg catalog properties; without any, a Hadoop catalog whose warehouse lies under the bucket,
     * which needs no server (local directory buckets: on S3 it would need Hadoop's S3A file system, not bundled).
     */
    static Map<String, String> catalogProperties(Configuration conf) {
        Map<String, String> configured = conf.get(CompactorOptions.ICEBERG_CATALOG);
        if (!configured.isEmpty()) {
            return new TreeMap<>(configured);
        }
        String bucket = conf.get(CompactorOptions.BUCKET);
        if (BucketLocation.isS3(bucket)) {
            throw new InvalidOptionException("--" + CompactorOptions.TARGET_FORMAT.key() + " iceberg on the S3 bucket "
                    + bucket + " needs a catalog: set --" + CompactorOptions.ICEBERG_CATALOG.key() + ".type (rest, "
                    + "jdbc, glue, nessie) and its properties; the embedded Hadoop catalog serves local buckets only");
        }
        String warehouse = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket)
                .resolve(BucketLayout.TABLES_PREFIX).toUri().toString();
        return Map.of("type", "hadoop", "warehouse", warehouse);
    }

    /** The URI that the bucket's keys are relative to, as data files are registered in the table. */
    static String bucketLocation(Configuration conf) {
        String bucket = conf.get(CompactorOptions.BUCKET);
        if (BucketLocation.isS3(bucket)) {
            return BucketLocation.s3Settings(conf).uri();
        }
        String dir = LocalDirectory.resolve(CompactorOptions.BUCKET.key(), bucket).toUri().toString();
        return dir.endsWith("/") ? dir : dir + "/";
    }
}
