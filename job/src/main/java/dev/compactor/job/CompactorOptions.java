package dev.compactor.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;

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

    public static final ConfigOption<Integer> MIN_FILES = ConfigOptions.key("compaction.min-files")
            .intType()
            .defaultValue(10)
            .withDescription("A window compacts only once it holds at least this many files.");

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
            .defaultValue("ZSTD")
            .withDescription("Parquet codec of the row groups a merge encodes: ZSTD, SNAPPY, GZIP or UNCOMPRESSED. "
                    + "Row groups copied as bytes keep their own codec.");

    public static final ConfigOption<MemorySize> ROW_GROUP_SIZE = ConfigOptions.key("compaction.row-group-size")
            .memoryType()
            .defaultValue(MemorySize.parse("128 mb"))
            .withDescription("Size of the row groups a merge encodes; small input row groups are coalesced into "
                    + "these. Capped at half of compaction.merge-memory.");

    public static final ConfigOption<MemorySize> COPY_ROW_GROUP_SIZE = ConfigOptions.key("compaction.copy-row-group-size")
            .memoryType()
            .noDefaultValue()
            .withDescription("Input row groups at least this large (compressed), in exactly the output's schema, are "
                    + "copied as bytes instead of re-encoded. Default: an eighth of compaction.row-group-size.");

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

    private CompactorOptions() {}

    public static List<ConfigOption<?>> all() {
        return List.of(BUCKET, DATA_PREFIX, WINDOW_SIZE, MAX_WAIT, MIN_FILES, WRITER_INACTIVE_AFTER,
                PROCESSING_TIMEOUT, TARGET_FILE_SIZE, SORT_COLUMN, MERGE_MEMORY, COMPRESSION, ROW_GROUP_SIZE,
                COPY_ROW_GROUP_SIZE, MAX_CONCURRENT_MERGES,
                POLL_INTERVAL, MAX_OUT_OF_ORDERNESS, STATE_DIR);
    }
}
