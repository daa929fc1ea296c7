package dev.compactor.job;

import dev.compactor.merge.MergeSettings;
import dev.compactor.table.TableTarget;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every option of the job, with its default and description. docs/configuration.md is generated from these
 * (ConfigurationDocTest fails when it is stale).
 * Durations and sizes use Flink's syntax ("10 min", "128 mb").
 */
public final class CompactorOptions {

    public static final ConfigOption<String> BUCKET = ConfigOptions.key("bucket")
            .stringType()
            .noDefaultValue()
            .withDescription("The bucket whose objects the job compacts: a local directory (path or file:// URI), "
                    + "or s3://bucket/prefix on an S3-compatible store (the prefix is prepended to every key).");

    public static final ConfigOption<String> DATA_PREFIX = ConfigOptions.key("compaction.data-prefix")
            .stringType()
            .defaultValue("data/")
            .withDescription("Prefix under which writers drop {namespace}/{epochSeconds}-{writerId}-{seq}.parquet.");

    public static final ConfigOption<Duration> WINDOW_SIZE = ConfigOptions.key("compaction.window-size")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("Length of a compaction window; a file belongs to floor(fileTime / window-size).");

    public static final ConfigOption<Duration> MAX_WAIT = ConfigOptions.key("compaction.max-wait")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("How long after a window ends (and after its last file arrived, while an active "
                    + "writer is missing) the job waits for late writers.");

    public static final ConfigOption<List<Duration>> PRIORITY_WAITS = ConfigOptions.key("compaction.priority-waits")
            .durationType()
            .asList()
            .defaultValues(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1))
            .withDescription("How long after a window ends it may compact, for priority 0 (critical), 1, 2 and 3 "
                    + "(background), separated by ';'. Reported as effectiveMaxWaitTimeMs.");

    public static final ConfigOption<Integer> DEFAULT_PRIORITY = ConfigOptions.key("compaction.default-priority")
            .intType()
            .defaultValue(2)
            .withDescription("Priority of a namespace without an override: 0 critical, 1 high, 2 medium, 3 background.");

    public static final ConfigOption<Map<String, String>> PRIORITIES = ConfigOptions.key("compaction.priorities")
            .mapType()
            .defaultValue(Map.of())
            .withDescription("Per-namespace priorities, e.g. 'users:0,logs:3'; integers 0 to 3 only.");

    public static final ConfigOption<Integer> BACKPRESSURE_NORMAL = ConfigOptions.key("compaction.backpressure-normal")
            .intType()
            .defaultValue(10)
            .withDescription("Windows of a namespace in flight (sent to the merge, not committed) from which "
                    + "backpressure is normal: background (priority 3) windows wait.");

    public static final ConfigOption<Integer> BACKPRESSURE_SEVERE = ConfigOptions.key("compaction.backpressure-severe")
            .intType()
            .defaultValue(20)
            .withDescription("Windows in flight from which backpressure is severe: only critical (priority 0) windows "
                    + "dispatch.");

    public static final ConfigOption<Integer> MAX_ATTEMPTS = ConfigOptions.key("compaction.max-attempts")
            .intType()
            .defaultValue(5)
            .withDescription("Failed or timed-out attempts after which a window is marked failed (files untouched).");

    public static final ConfigOption<Duration> RETRY_BACKOFF = ConfigOptions.key("compaction.retry-backoff")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Wait before retrying a failed attempt, doubled per failed attempt, at most 30 min.");

    public static final ConfigOption<List<String>> SHARDED_NAMESPACES = ConfigOptions.key("compaction.sharded-namespaces")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("Namespaces tracked per window (key namespace#windowStart) so a hot namespace spreads "
                    + "over parallel subtasks; separated by ';'.");

    public static final ConfigOption<Integer> MIN_FILES = ConfigOptions.key("compaction.min-files")
            .intType()
            .defaultValue(10)
            .withDescription("A window compacts only once it holds at least this many files.");

    public static final ConfigOption<Duration> FORCE_AFTER = ConfigOptions.key("compaction.force-after")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("A window still short of min-files this long after it ended compacts whatever it has, "
                    + "so no file stays small and no window lingers in state.");

    public static final ConfigOption<Duration> WRITER_INACTIVE_AFTER = ConfigOptions.key("compaction.writer-inactive-after")
            .durationType()
            .defaultValue(Duration.ofMinutes(30))
            .withDescription("A writer with no file for this long (event time) no longer holds windows back.");

    public static final ConfigOption<Duration> PROCESSING_TIMEOUT = ConfigOptions.key("compaction.processing-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("A merge that reads and writes no byte for this long is cancelled and its window "
                    + "retried with the same files and output names; a merge that keeps moving bytes runs as long as "
                    + "it needs. A window staged but not committed this long after staging is retried too.");

    public static final ConfigOption<Duration> SOURCE_RETENTION = ConfigOptions.key("compaction.source-retention")
            .durationType()
            .defaultValue(Duration.ZERO)
            .withDescription("How long a commit keeps its source files under _trash/{ns}/{windowStart}-g{gen}/ "
                    + "instead of deleting them, so that 'bin/compactor uncompact' can put them back; the job removes "
                    + "them once this has passed (at the namespace's next commit). 0 deletes them at commit.");

    public static final ConfigOption<String> TARGET_FORMAT = ConfigOptions.key("compaction.target-format")
            .stringType()
            .defaultValue(TargetFormat.NATIVE.optionValue())
            .withDescription("Where committed windows land: native (Parquet files under the data prefix, listed by "
                    + "our manifests), iceberg (the same files, also appended to one Iceberg table per namespace, "
                    + "one snapshot per window generation, before the manifest) or delta (the same, into one Delta "
                    + "Lake table per namespace, one commit per window generation); see docs/tables.md.");

    public static final ConfigOption<Map<String, String>> ICEBERG_CATALOG = ConfigOptions.key("compaction.iceberg.catalog")
            .mapType()
            .defaultValue(Map.of())
            .withDescription("Iceberg catalog properties, passed to Iceberg unchanged: one option per property "
                    + "(--compaction.iceberg.catalog.type rest --compaction.iceberg.catalog.uri http://...) or "
                    + "'type:rest,uri:http://...'. Unset: a Hadoop catalog with its warehouse under the bucket's "
                    + "_tables/ (local directory buckets only).");

    public static final ConfigOption<String> DELTA_TABLE_ROOT = ConfigOptions.key("compaction.delta.table-root")
            .stringType()
            .noDefaultValue()
            .withDescription("The local directory (or file: URI) under which each namespace's Delta table lies, "
                    + "named by " + "compaction.table-name-pattern. Unset: the bucket's _delta/ (local directory "
                    + "buckets only).");

    public static final ConfigOption<String> TABLE_DATABASE = ConfigOptions.key("compaction.table-database")
            .stringType()
            .defaultValue("compactor")
            .withDescription("The catalog namespace (database) the Iceberg tables live in; dots separate levels. "
                    + "Delta tables have none: they are directories under compaction.delta.table-root.");

    public static final ConfigOption<String> TABLE_NAME_PATTERN = ConfigOptions.key("compaction.table-name-pattern")
            .stringType()
            .defaultValue(TableTarget.NAMESPACE_PLACEHOLDER)
            .withDescription("The table of a namespace; " + TableTarget.NAMESPACE_PLACEHOLDER + " stands for the "
                    + "namespace with '/' as '_'.");

    public static final ConfigOption<String> TABLE_PARTITION_COLUMN = ConfigOptions.key("compaction.table-partition-column")
            .stringType()
            .noDefaultValue()
            .withDescription("A timestamp column whose hour partitions the tables the job creates; unset creates "
                    + "unpartitioned tables. A compacted part whose rows span two hours is refused (its sources stay). "
                    + "Iceberg only: delta refuses it (Delta has no hour transform).");

    public static final ConfigOption<MemorySize> TARGET_FILE_SIZE = ConfigOptions.key("compaction.target-file-size")
            .memoryType()
            .defaultValue(MemorySize.parse("128 mb"))
            .withDescription("Size at which a compacted part is closed and the next one started.");

    public static final ConfigOption<String> SORT_COLUMN = ConfigOptions.key("compaction.sort-column")
            .stringType()
            .noDefaultValue()
            .withDescription("Top-level column to order rows by; unset keeps file order (timestamp, writer, sequence).");

    public static final ConfigOption<MemorySize> MERGE_MEMORY = ConfigOptions.key("compaction.merge-memory")
            .memoryType()
            .defaultValue(MemorySize.parse("128 mb"))
            .withDescription("Bound on the bytes one merge buffers (rows held for sorting, row groups in flight), whatever the "
                    + "window size.");

    public static final ConfigOption<String> COMPRESSION = ConfigOptions.key("compaction.compression")
            .stringType()
            .defaultValue("ZSTD")
            .withDescription("Parquet codec of the row groups a merge encodes: ZSTD, SNAPPY, GZIP or UNCOMPRESSED. "
                    + "Row groups copied as bytes keep their own codec.");

    public static final ConfigOption<Integer> COMPRESSION_LEVEL = ConfigOptions.key("compaction.compression-level")
            .intType()
            .defaultValue(MergeSettings.DEFAULT_COMPRESSION_LEVEL)
            .withDescription("ZSTD level of the row groups a merge encodes, " + MergeSettings.MIN_ZSTD_LEVEL
                    + " (fastest) to " + MergeSettings.MAX_ZSTD_LEVEL + " (smallest). The default is parquet-java's "
                    + "and DuckDB's; level 1 compresses random text about three times as fast for a few percent "
                    + "more bytes (docs/benchmarks.md; PageCompressionBenchmark measures it on your own files). Other "
                    + "codecs ignore it.");

    public static final ConfigOption<MemorySize> ROW_GROUP_SIZE = ConfigOptions.key("compaction.row-group-size")
            .memoryType()
            .defaultValue(MemorySize.parse("128 mb"))
            .withDescription("Size of the row groups a merge encodes; small input row groups are coalesced into "
                    + "these. Capped at half of compaction.merge-memory, less the pages waiting to be compressed "
                    + "(1/16 of it, at most 16 mb) and the four chunks a part is hashed in (1/256 of it each, "
                    + "64 kb to 1 mb).");

    public static final ConfigOption<MemorySize> COPY_ROW_GROUP_SIZE = ConfigOptions.key("compaction.copy-row-group-size")
            .memoryType()
            .noDefaultValue()
            .withDescription("Input row groups at least this large (compressed), in exactly the output's schema, are "
                    + "copied as bytes instead of re-encoded. Default: an eighth of compaction.row-group-size.");

    public static final ConfigOption<Long> ROW_GROUP_ROWS = ConfigOptions.key("compaction.row-group-rows")
            .longType()
            .defaultValue(MergeSettings.DEFAULT_ROW_GROUP_ROWS)
            .withDescription("A row group a merge encodes also ends at this many rows.");

    public static final ConfigOption<Long> COPY_ROW_GROUP_ROWS = ConfigOptions.key("compaction.copy-row-group-rows")
            .longType()
            .noDefaultValue()
            .withDescription("Input row groups with at least this many rows, in exactly the output's schema, are "
                    + "copied as bytes too, whatever their size. Default: an eighth of compaction.row-group-rows.");

    public static final ConfigOption<Integer> MERGE_THREADS = ConfigOptions.key("compaction.merge-threads")
            .intType()
            .defaultValue(MergeSettings.DEFAULT_THREADS)
            .withDescription("Threads one merge encodes with: 2 compresses output pages on a second thread while "
                    + "the merge thread decodes and copies rows; 1 keeps a merge on one thread, for task managers "
                    + "whose concurrent merges already use every core.");

    public static final ConfigOption<MergeSettings.Engine> MERGE_ENGINE = ConfigOptions.key("compaction.merge-engine")
            .enumType(MergeSettings.Engine.class)
            .defaultValue(MergeSettings.Engine.FAST)
            .withDescription("Which engine merges a window. FAST copies row groups as bytes and re-encodes columns; a "
                    + "window or input it does not handle goes to REFERENCE, which reads and writes rows only "
                    + "through parquet-java's record API (slower; the oracle FAST is tested against).");

    public static final ConfigOption<Integer> MAX_CONCURRENT_MERGES = ConfigOptions.key("compaction.max-concurrent-merges")
            .intType()
            .defaultValue(2)
            .withDescription("Merges that run at once in each merge subtask (the async operator's capacity).");

    public static final ConfigOption<Duration> POLL_INTERVAL = ConfigOptions.key("events.poll-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("How often the local bucket watcher (and the bridge command) lists the bucket for new "
                    + "and removed objects.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key("events.max-out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Watermark lag behind the newest file time; with no new file for this long the "
                    + "watermark follows the wall clock, so a quiet bucket's last window still compacts.");

    public static final ConfigOption<String> EVENTS_SOURCE = ConfigOptions.key("events.source")
            .stringType()
            .defaultValue(EventSource.BUCKET_WATCH.optionValue())
            .withDescription("Where object events come from: bucket-watch (list the bucket every poll interval) or "
                    + "kinesis (the bucket's notifications on a Kinesis stream).");

    public static final ConfigOption<String> KINESIS_STREAM_ARN = ConfigOptions.key("events.kinesis.stream-arn")
            .stringType()
            .noDefaultValue()
            .withDescription("ARN of the Kinesis stream carrying the bucket's notifications (S3, EventBridge or R2 "
                    + "JSON); required with events.source kinesis.");

    public static final ConfigOption<String> KINESIS_REGION = ConfigOptions.key("events.kinesis.region")
            .stringType()
            .noDefaultValue()
            .withDescription("Region of the Kinesis stream; the region in the stream ARN when unset.");

    public static final ConfigOption<String> KINESIS_ENDPOINT = ConfigOptions.key("events.kinesis.endpoint")
            .stringType()
            .noDefaultValue()
            .withDescription("Kinesis endpoint URL for a local or private endpoint (e.g. http://localhost:4568 for "
                    + "kinesis-local); AWS's regional endpoint when unset.");

    public static final ConfigOption<String> KINESIS_INITIAL_POSITION = ConfigOptions.key("events.kinesis.initial-position")
            .stringType()
            .defaultValue("TRIM_HORIZON")
            .withDescription("Where a first start (no checkpoint) reads each shard from: TRIM_HORIZON (oldest "
                    + "retained record, so files written before the first start are compacted) or LATEST.");

    public static final ConfigOption<String> KINESIS_ACCESS_KEY = ConfigOptions.key("events.kinesis.access-key")
            .stringType()
            .noDefaultValue()
            .withDescription("Static access key for Kinesis; the default AWS credentials chain when unset.");

    public static final ConfigOption<String> KINESIS_SECRET_KEY = ConfigOptions.key("events.kinesis.secret-key")
            .stringType()
            .noDefaultValue()
            .withDescription("Secret of events.kinesis.access-key.");

    public static final ConfigOption<String> S3_ENDPOINT = ConfigOptions.key("s3.endpoint")
            .stringType()
            .noDefaultValue()
            .withDescription("Endpoint URL of an S3-compatible store (R2, MinIO, S3Proxy); AWS S3 when unset.");

    public static final ConfigOption<String> S3_REGION = ConfigOptions.key("s3.region")
            .stringType()
            .noDefaultValue()
            .withDescription("S3 signing region; the AWS default chain when unset (us-east-1 with s3.endpoint).");

    public static final ConfigOption<Boolean> S3_PATH_STYLE_ACCESS = ConfigOptions.key("s3.path-style-access")
            .booleanType()
            .defaultValue(false)
            .withDescription("Address buckets as endpoint/bucket/key instead of bucket.endpoint/key; most "
                    + "S3-compatible stores on a laptop need true.");

    public static final ConfigOption<String> S3_ACCESS_KEY = ConfigOptions.key("s3.access-key")
            .stringType()
            .noDefaultValue()
            .withDescription("Static S3 access key; the default AWS credentials chain (environment, profile, "
                    + "instance or pod role) when unset.");

    public static final ConfigOption<String> S3_SECRET_KEY = ConfigOptions.key("s3.secret-key")
            .stringType()
            .noDefaultValue()
            .withDescription("Secret of s3.access-key.");

    public static final ConfigOption<String> STATE_DIR = ConfigOptions.key("local.state-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where local mode keeps RocksDB checkpoints (checkpoints/) and savepoints "
                    + "(savepoints/); {bucket}/_state when unset, or .compactor-state/{bucket}/{prefix} in the "
                    + "working directory for an s3:// bucket.");

    public static final ConfigOption<Boolean> RESUME = ConfigOptions.key("local.resume")
            .booleanType()
            .defaultValue(true)
            .withDescription("Whether local mode resumes from the newest checkpoint retained in the state directory "
                    + "(bin/compactor local --fresh turns it off). An explicit execution.state-recovery.path wins.");

    public static final ConfigOption<Integer> API_PORT = ConfigOptions.key("api.port")
            .intType()
            .defaultValue(8080)
            .withDescription("Port of the status/control HTTP API (/compaction/...); 0 picks a free one.");

    public static final ConfigOption<String> API_TOKEN = ConfigOptions.key("api.token")
            .stringType()
            .noDefaultValue()
            .withDescription("Bearer token the API's mutating endpoints require; else COMPACTOR_API_TOKEN; local "
                    + "mode generates and prints one when neither is set.");

    public static final ConfigOption<Integer> HEALTH_STUCK_WARNING = ConfigOptions.key("health.stuck-windows.warning")
            .intType().defaultValue(0)
            .withDescription("windowsStuckInProcessing above this degrades a namespace.");

    public static final ConfigOption<Integer> HEALTH_STUCK_CRITICAL = ConfigOptions.key("health.stuck-windows.critical")
            .intType().defaultValue(3)
            .withDescription("windowsStuckInProcessing above this makes a namespace unhealthy.");

    public static final ConfigOption<Duration> HEALTH_AGE_WARNING = ConfigOptions.key("health.oldest-window-age.warning")
            .durationType().defaultValue(Duration.ofHours(2))
            .withDescription("oldestWindowAge above this degrades a namespace.");

    public static final ConfigOption<Duration> HEALTH_AGE_CRITICAL = ConfigOptions.key("health.oldest-window-age.critical")
            .durationType().defaultValue(Duration.ofHours(4))
            .withDescription("oldestWindowAge above this makes a namespace unhealthy.");

    public static final ConfigOption<Integer> HEALTH_ACTIVE_WARNING = ConfigOptions.key("health.active-windows.warning")
            .intType().defaultValue(10)
            .withDescription("activeWindows above this degrades a namespace.");

    public static final ConfigOption<Integer> HEALTH_ACTIVE_CRITICAL = ConfigOptions.key("health.active-windows.critical")
            .intType().defaultValue(20)
            .withDescription("activeWindows above this makes a namespace unhealthy.");

    public static final ConfigOption<Long> HEALTH_PENDING_WARNING = ConfigOptions.key("health.pending-files.warning")
            .longType().defaultValue(1000L)
            .withDescription("totalPendingFiles above this degrades a namespace.");

    public static final ConfigOption<Long> HEALTH_PENDING_CRITICAL = ConfigOptions.key("health.pending-files.critical")
            .longType().defaultValue(5000L)
            .withDescription("totalPendingFiles above this makes a namespace unhealthy.");

    private CompactorOptions() {}

    public static List<ConfigOption<?>> all() {
        return List.of(BUCKET, DATA_PREFIX, WINDOW_SIZE, PRIORITY_WAITS, DEFAULT_PRIORITY, PRIORITIES, MAX_WAIT,
                MIN_FILES, FORCE_AFTER, WRITER_INACTIVE_AFTER, BACKPRESSURE_NORMAL, BACKPRESSURE_SEVERE, MAX_ATTEMPTS,
                RETRY_BACKOFF, SHARDED_NAMESPACES,
                PROCESSING_TIMEOUT, SOURCE_RETENTION, TARGET_FORMAT, ICEBERG_CATALOG, DELTA_TABLE_ROOT, TABLE_DATABASE, TABLE_NAME_PATTERN,
                TABLE_PARTITION_COLUMN, TARGET_FILE_SIZE, SORT_COLUMN, MERGE_MEMORY, COMPRESSION, COMPRESSION_LEVEL,
                ROW_GROUP_SIZE,
                COPY_ROW_GROUP_SIZE, ROW_GROUP_ROWS, COPY_ROW_GROUP_ROWS, MERGE_THREADS, MERGE_ENGINE, MAX_CONCURRENT_MERGES,
                POLL_INTERVAL, MAX_OUT_OF_ORDERNESS, EVENTS_SOURCE, KINESIS_STREAM_ARN, KINESIS_REGION,
                KINESIS_ENDPOINT, KINESIS_INITIAL_POSITION, KINESIS_ACCESS_KEY, KINESIS_SECRET_KEY, S3_ENDPOINT,
                S3_REGION, S3_PATH_STYLE_ACCESS, S3_ACCESS_KEY, S3_SECRET_KEY, STATE_DIR, RESUME, API_PORT, API_TOKEN,
                HEALTH_STUCK_WARNING, HEALTH_STUCK_CRITICAL, HEALTH_AGE_WARNING, HEALTH_AGE_CRITICAL,
                HEALTH_ACTIVE_WARNING, HEALTH_ACTIVE_CRITICAL, HEALTH_PENDING_WARNING, HEALTH_PENDING_CRITICAL);
    }
}
