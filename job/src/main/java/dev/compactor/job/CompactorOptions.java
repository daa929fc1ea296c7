package dev.compactor.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every option of the job, with its default and description. The README's configuration table lists these.
 * Durations and sizes use Flink's syntax ("10 min", "128 mb").
 */
public final class CompactorOptions {

    public static final ConfigOption<String> BUCKET = ConfigOptions.key("bucket")
            .stringType()
            .noDefaultValue()
            .withDescription("The bucket: a local directory (path or file:// URI) whose objects the job compacts.");

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
            .withDescription("Per-namespace priorities, e.g. 'users:0,logs:3'.");

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
            .withDescription("A window processing for this long without progress returns to pending and is retried "
                    + "with the same files and output names.");

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
            .withDescription("Bound on the bytes one merge buffers, whatever the window size.");

    public static final ConfigOption<String> COMPRESSION = ConfigOptions.key("compaction.compression")
            .stringType()
            .defaultValue("SNAPPY")
            .withDescription("Parquet codec of compacted files: SNAPPY, ZSTD, GZIP or UNCOMPRESSED.");

    public static final ConfigOption<Integer> MAX_CONCURRENT_MERGES = ConfigOptions.key("compaction.max-concurrent-merges")
            .intType()
            .defaultValue(2)
            .withDescription("Merges that run at once in each merge subtask (the async operator's capacity).");

    public static final ConfigOption<Duration> POLL_INTERVAL = ConfigOptions.key("events.poll-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("How often the local bucket watcher lists the bucket for new and removed objects.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key("events.max-out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Watermark lag behind the newest file time; with no new file for this long the "
                    + "watermark follows the wall clock, so a quiet bucket's last window still compacts.");

    public static final ConfigOption<String> STATE_DIR = ConfigOptions.key("local.state-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where local mode keeps RocksDB checkpoints; {bucket}/_state when unset.");

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
                PROCESSING_TIMEOUT, TARGET_FILE_SIZE, SORT_COLUMN, MERGE_MEMORY, COMPRESSION, MAX_CONCURRENT_MERGES,
                POLL_INTERVAL, MAX_OUT_OF_ORDERNESS, STATE_DIR, API_PORT, API_TOKEN, HEALTH_STUCK_WARNING,
                HEALTH_STUCK_CRITICAL, HEALTH_AGE_WARNING, HEALTH_AGE_CRITICAL, HEALTH_ACTIVE_WARNING,
                HEALTH_ACTIVE_CRITICAL, HEALTH_PENDING_WARNING, HEALTH_PENDING_CRITICAL);
    }
}
