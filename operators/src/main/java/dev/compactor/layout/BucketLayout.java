package dev.compactor.layout;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where every object of the job lives in the bucket. One place for every name, so the merge, the commit
 * and the event classifier cannot disagree.
 *
 * <pre>
 * {data}{ns}/{epochSeconds}-{writer}-{seq}.parquet                                    source files
 * {data}{ns}/year=YYYY/month=MM/day=DD/hour=HH/compacted-{ws}-g{gen}-p{part}.parquet   committed outputs
 * _staging/{ns}/{ws}-g{gen}-a{attempt}/p{part}.parquet                               merged, not yet committed
 * _staging/{ns}/{ws}-g{gen}-a{attempt}/_STAGED.json                                  all parts of an attempt staged
 * _staging/{ns}/{ws}-g{gen}-a{attempt}/_FAILED.json                                  the attempt gave up, with why
 * _staging/{ns}/{ws}-g{gen}-a{attempt}/_PROGRESS.json                                the attempt's merge moves bytes
 * _manifests/{ns}/{ws}-g{gen}.json                                                   commit record of a window generation
 * _quarantine/{ns}/{file name}.v{size} (+ .reason.json)                                unreadable inputs, per version
 * _rejected/YYYY/MM/DD/{epochMillis}-s{subtask}-a{attempt}-{n}.jsonl                  dead letters: rejected events
 * _control/{ns}/{id}.{verb}.json                                                     an operator's command (ControlCommand)
 * _staging/{ns}/{ws}-overrides.json                                                  merge parameters a retry set for a window
 * _trash/{ns}/{ws}-g{gen}/{file name}                                                committed sources kept for un-compaction
 * _trash/{ns}/{ws}-g{gen}/_RETAINED.json                                             until when they are kept
 * </pre>
 * {@code ws} is the window start in epoch milliseconds, the runbook's window key.
 */
public final class BucketLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String STAGING_PREFIX = "_staging/";
    public static final String MANIFEST_PREFIX = "_manifests/";
    public static final String QUARANTINE_PREFIX = "_quarantine/";
    public static final String REJECTED_PREFIX = "_rejected/";
    public static final String CONTROL_PREFIX = "_control/";
    /** Committed sources kept for {@code compaction.source-retention}; no event under it needs an action. */
    public static final String TRASH_PREFIX = "_trash/";
    /** The embedded Iceberg catalog's warehouse (compaction.target-format iceberg without catalog properties). */
    public static final String TABLES_PREFIX = "_tables/";
    /** The Delta tables' default root (compaction.target-format delta without compaction.delta.table-root). */
    public static final String DELTA_PREFIX = "_delta/";
    public static final String RETAINED_MARKER = "_RETAINED.json";
    public static final String STAGED_MARKER = "_STAGED.json";
    public static final String FAILED_MARKER = "_FAILED.json";
    /** Rewritten while a merge moves bytes: each write is an object event that keeps its window from timing out. */
    public static final String PROGRESS_MARKER = "_PROGRESS.json";
    public static final String REASON_SUFFIX = ".reason.json";
    /** Between a quarantined file's name and its version (size in bytes). */
    private static final String QUARANTINE_VERSION = ".v";
    public static final String COMPACTED_FILE_PREFIX = "compacted-";
    /** How the first directory of an hour partition starts; no namespace segment may start so (KeyNameRules). */
    public static final String PARTITION_SEGMENT_PREFIX = "year=";

    private final String dataPrefix;

    public BucketLayout(String dataPrefix) {
        Objects.requireNonNull(dataPrefix, "dataPrefix");
        if (dataPrefix.isEmpty() || !dataPrefix.endsWith("/") || dataPrefix.startsWith("/")) {
            throw new IllegalArgumentException(
                    "data prefix must be a relative path ending in '/', like 'data/', was '" + dataPrefix + "'");
        }
        this.dataPrefix = dataPrefix;
    }

    public static BucketLayout defaults() {
        return new BucketLayout("data/");
    }

    public String dataPrefix() {
        return dataPrefix;
    }

    /**
     * Every prefix whose object events the job acts on: writers' files, manifests, staged and failed markers,
     * operators' control commands and quarantine reasons. Each event source must deliver all of them (the local
     * watcher lists them, the notification bridge announces them, the production event rule in docs/operations.md
     * must match them), or commands and quarantine counts silently never reach the tracker. The rest
     * ({@code _rejected/}, {@code _state/}) needs no action.
     */
    public List<String> eventPrefixes() {
        return List.of(dataPrefix, MANIFEST_PREFIX, STAGING_PREFIX, CONTROL_PREFIX, QUARANTINE_PREFIX);
    }

    public String finalPartKey(String namespace, long windowStart, int generation, int part) {
        ZonedDateTime t = Instant.ofEpochMilli(windowStart).atZone(ZoneOffset.UTC);
        return String.format(
                "%s%s/year=%04d/month=%02d/day=%02d/hour=%02d/%s%d-g%d-p%d.parquet",
                dataPrefix, namespace, t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                COMPACTED_FILE_PREFIX, windowStart, generation, part);
    }

    /** Whether a key names one of our compacted outputs ({@code .../year=…/compacted-….parquet}). */
    public static boolean isCompactedOutput(String key) {
        int slash = key.lastIndexOf('/');
        return key.contains("/" + PARTITION_SEGMENT_PREFIX) && key.startsWith(COMPACTED_FILE_PREFIX, slash + 1);
    }

    /**
     * Whether a directory key ({@code data/{ns}/year=YYYY/}, ending in '/') is an hour partition of compacted outputs:
     * a namespace never has a segment starting with {@code year=}, so nothing else lives there.
     */
    public static boolean isOutputPartition(String directoryKey) {
        int end = directoryKey.endsWith("/") ? directoryKey.length() - 1 : directoryKey.length();
        int slash = directoryKey.lastIndexOf('/', end - 1);
        return directoryKey.startsWith(PARTITION_SEGMENT_PREFIX, slash + 1);
    }

    /** Prefix shared by every attempt of every generation of one window. */
    public String stagingWindowPrefix(String namespace, long windowStart) {
        return STAGING_PREFIX + namespace + "/" + windowStart + "-g";
    }

    /**
     * The generation of a staging object listed under {@code windowPrefix} ({@link #stagingWindowPrefix}); empty
     * for anything that is not in a {@code g{generation}-a{attempt}/} directory.
     */
    public static OptionalInt generationOfStagingKey(String key, String windowPrefix) {
        if (!key.startsWith(windowPrefix)) {
            return OptionalInt.empty();
        }
        int end = key.indexOf("-a", windowPrefix.length());
        if (end <= windowPrefix.length() || end - windowPrefix.length() > 9 || key.indexOf('/', end) < 0) {
            return OptionalInt.empty();
        }
        for (int i = windowPrefix.length(); i < end; i++) {
            if (!Character.isDigit(key.charAt(i))) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of(Integer.parseInt(key.substring(windowPrefix.length(), end)));
    }

    /** Prefix shared by every attempt of one window generation; the commit clears it. */
    public String stagingGenerationPrefix(String namespace, long windowStart, int generation) {
        return stagingWindowPrefix(namespace, windowStart) + generation + "-a";
    }

    public String stagingDir(String namespace, long windowStart, int generation, int attempt) {
        return stagingGenerationPrefix(namespace, windowStart, generation) + attempt + "/";
    }

    public String stagingPartKey(String namespace, long windowStart, int generation, int attempt, int part) {
        return stagingDir(namespace, windowStart, generation, attempt) + "p" + part + ".parquet";
    }

    public String stagedMarkerKey(String namespace, long windowStart, int generation, int attempt) {
        return stagingDir(namespace, windowStart, generation, attempt) + STAGED_MARKER;
    }

    /**
     * One dead-letter object: unique per subtask, task attempt and flush, so a restarted task never overwrites
     * what an earlier attempt wrote.
     */
    public static String deadLetterKey(long flushTimeMillis, int subtask, int attempt, long flush) {
        ZonedDateTime t = Instant.ofEpochMilli(flushTimeMillis).atZone(ZoneOffset.UTC);
        return String.format("%s%04d/%02d/%02d/%d-s%d-a%d-%d.jsonl", REJECTED_PREFIX, t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), flushTimeMillis, subtask, attempt, flush);
    }

    public String failedMarkerKey(String namespace, long windowStart, int generation, int attempt) {
        return stagingDir(namespace, windowStart, generation, attempt) + FAILED_MARKER;
    }

    public String progressMarkerKey(String namespace, long windowStart, int generation, int attempt) {
        return stagingDir(namespace, windowStart, generation, attempt) + PROGRESS_MARKER;
    }

    /** Where a retry's merge parameters for one window are kept until its commit; each merge attempt reads it. */
    public String windowOverridesKey(String namespace, long windowStart) {
        return STAGING_PREFIX + namespace + "/" + windowStart + "-overrides.json";
    }

    /** Prefix of the namespace's retained sources. */
    public static String trashNamespacePrefix(String namespace) {
        return TRASH_PREFIX + namespace + "/";
    }

    /** Where one committed generation keeps its sources for {@code compaction.source-retention}. */
    public static String trashDir(String namespace, long windowStart, int generation) {
        return trashNamespacePrefix(namespace) + windowStart + "-g" + generation + "/";
    }

    /** The retained copy of {@code sourceKey} (its path below the namespace, under the generation's trash dir). */
    public String trashKey(String namespace, long windowStart, int generation, String sourceKey) {
        String namespacePrefix = dataPrefix + namespace + "/";
        String relative = sourceKey.startsWith(namespacePrefix) ? sourceKey.substring(namespacePrefix.length())
                : sourceKey.substring(sourceKey.lastIndexOf('/') + 1);
        return trashDir(namespace, windowStart, generation) + relative;
    }

    public static String trashMarkerKey(String namespace, long windowStart, int generation) {
        return trashDir(namespace, windowStart, generation) + RETAINED_MARKER;
    }

    public String manifestKey(String namespace, long windowStart, int generation) {
        return manifestWindowPrefix(namespace, windowStart) + generation + ".json";
    }

    /** Prefix shared by the manifests of every generation of one window. */
    public String manifestWindowPrefix(String namespace, long windowStart) {
        return MANIFEST_PREFIX + namespace + "/" + windowStart + "-g";
    }

    /**
     * Where one version of an unreadable source is set aside: its key with the data prefix replaced by the quarantine
     * prefix, then {@code .v{size}}. The version keeps a second corrupt version of the same key (a writer that
     * rewrites it) from finding the first one's copy and being deleted without its own; the size is the version the
     * staged window records for a quarantined input.
     */
    public String quarantineKey(String sourceKey, long size) {
        String relative = sourceKey.startsWith(dataPrefix) ? sourceKey.substring(dataPrefix.length()) : sourceKey;
        return QUARANTINE_PREFIX + relative + QUARANTINE_VERSION + size;
    }

    public String quarantineReasonKey(String sourceKey, long size) {
        return quarantineKey(sourceKey, size) + REASON_SUFFIX;
    }

    /**
     * The source file name of a quarantine object's name without its {@link #REASON_SUFFIX}: the name minus its
     * {@code .v{size}} version, or the name itself for a copy made before versions were added.
     */
    public static String quarantinedFileName(String quarantineName) {
        int version = quarantineName.lastIndexOf(QUARANTINE_VERSION);
        if (version < 0 || version + QUARANTINE_VERSION.length() == quarantineName.length()) {
            return quarantineName;
        }
        for (int i = version + QUARANTINE_VERSION.length(); i < quarantineName.length(); i++) {
            if (!Character.isDigit(quarantineName.charAt(i))) {
                return quarantineName;
            }
        }
        return quarantineName.substring(0, version);
    }
}
