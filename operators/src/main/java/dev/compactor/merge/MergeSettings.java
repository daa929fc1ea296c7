package dev.compactor.merge;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * How a window is merged. Plain and serialisable, built from the job configuration.
 *
 * @param targetFileSizeBytes    a part is closed once its written size reaches this
 * @param sortColumn             rows are ordered by this top-level column when set; file order otherwise
 * @param mergeMemoryBytes       bound on the bytes one merge buffers (rows held for sorting, row groups in flight)
 * @param compression            Parquet codec of the outputs (ZSTD, SNAPPY, GZIP, UNCOMPRESSED)
 * @param spillDirectory         local directory for sort runs; the JVM's temporary directory when empty
 * @param rowGroupSizeBytes      size of the row groups the merge encodes (capped by {@link MergeBudget})
 * @param copyRowGroupBytes      input row groups at least this large (compressed) are copied as bytes when their
 *                               schema is the output's; smaller ones are re-encoded and coalesced
 * @param rowGroupRows           an encoded row group also ends at this many rows
 * @param copyRowGroupRows       input row groups with at least this many rows are copied as bytes too, whatever
 *                               their size: a row group of narrow rows can hold many rows in few bytes
 * @param threads                threads one merge encodes with: 1 compresses output pages on the merge's own
 *                               thread; 2 compresses and buffers them on a second thread while the merge thread
 *                               decodes and copies the next rows
 * @param compressionLevel       ZSTD level of the outputs, {@link #MIN_ZSTD_LEVEL} (fastest) to {@link #MAX_ZSTD_LEVEL}
 *                               (smallest); other codecs take their own defaults
 * @param engine                 which merge engine writes the window: the fast columnar one (which hands a window
 *                               it cannot merge exactly to the reference engine) or the reference engine alone
 */
public record MergeSettings(long targetFileSizeBytes, String sortColumn, long mergeMemoryBytes, String compression,
                            String spillDirectory, long rowGroupSizeBytes, long copyRowGroupBytes, long rowGroupRows,
                            long copyRowGroupRows, int threads, int compressionLevel, Engine engine)
        implements Serializable {

    /** The merge engines ({@code compaction.merge-engine}). */
    public enum Engine {
        /** Columnar copies and re-encodes; windows whose shape it does not handle go to {@link #REFERENCE}. */
        FAST,
        /** Rows read and written only through parquet-java's own record APIs: slower, and the test oracle. */
        REFERENCE
    }

    public static final long MIN_MERGE_MEMORY = 4L << 20;
    public static final long DEFAULT_ROW_GROUP_SIZE = 128L << 20;
    public static final long DEFAULT_ROW_GROUP_ROWS = 1_000_000L;
    public static final String DEFAULT_COMPRESSION = "ZSTD";
    public static final int DEFAULT_THREADS = 2;
    /** parquet-java's default ZSTD level ({@code parquet.compression.codec.zstd.level}) and DuckDB's. */
    public static final int DEFAULT_COMPRESSION_LEVEL = 3;
    public static final int MIN_ZSTD_LEVEL = 1;
    public static final int MAX_ZSTD_LEVEL = 22;

    public MergeSettings {
        if (targetFileSizeBytes < 1024) {
            throw new IllegalArgumentException("target file size must be at least 1 kb, was " + targetFileSizeBytes + " bytes");
        }
        if (mergeMemoryBytes < MIN_MERGE_MEMORY) {
            throw new IllegalArgumentException(
                    "merge memory must be at least 4 mb, was " + mergeMemoryBytes + " bytes");
        }
        if (rowGroupSizeBytes < 1024) {
            throw new IllegalArgumentException("row-group size must be at least 1 kb, was " + rowGroupSizeBytes + " bytes");
        }
        if (copyRowGroupBytes < 0) {
            throw new IllegalArgumentException("copy threshold must not be negative, was " + copyRowGroupBytes + " bytes");
        }
        if (rowGroupRows < 1) {
            throw new IllegalArgumentException("row-group rows must be at least 1, was " + rowGroupRows);
        }
        if (copyRowGroupRows < 0) {
            throw new IllegalArgumentException("copy threshold must not be negative, was " + copyRowGroupRows + " rows");
        }
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("merge threads must be 1 (compress on the merge's thread) or 2 "
                    + "(compress on a second thread), was " + threads);
        }
        Objects.requireNonNull(compression, "compression");
        if (compressionLevel < MIN_ZSTD_LEVEL || compressionLevel > MAX_ZSTD_LEVEL) {
            throw new IllegalArgumentException("compression level must be " + MIN_ZSTD_LEVEL + " (fastest) to "
                    + MAX_ZSTD_LEVEL + " (smallest), was " + compressionLevel);
        }
        if (sortColumn != null && sortColumn.isBlank()) {
            sortColumn = null;
        }
        spillDirectory = spillDirectory == null ? "" : spillDirectory;
        engine = engine == null ? Engine.FAST : engine;
    }

    /** Settings with the fast engine. */
    public MergeSettings(long targetFileSizeBytes, String sortColumn, long mergeMemoryBytes, String compression,
                         String spillDirectory, long rowGroupSizeBytes, long copyRowGroupBytes, long rowGroupRows,
                         long copyRowGroupRows, int threads, int compressionLevel) {
        this(targetFileSizeBytes, sortColumn, mergeMemoryBytes, compression, spillDirectory, rowGroupSizeBytes,
                copyRowGroupBytes, rowGroupRows, copyRowGroupRows, threads, compressionLevel, Engine.FAST);
    }

    /** The same settings merged by another engine. */
    public MergeSettings withEngine(Engine other) {
        return new MergeSettings(targetFileSizeBytes, sortColumn, mergeMemoryBytes, compression, spillDirectory,
                rowGroupSizeBytes, copyRowGroupBytes, rowGroupRows, copyRowGroupRows, threads, compressionLevel, other);
    }

    /** Settings with the default row-group size and copy threshold. */
    public MergeSettings(long targetFileSizeBytes, String sortColumn, long mergeMemoryBytes, String compression,
                         String spillDirectory) {
        this(targetFileSizeBytes, sortColumn, mergeMemoryBytes, compression, spillDirectory, DEFAULT_ROW_GROUP_SIZE,
                defaultCopyThreshold(DEFAULT_ROW_GROUP_SIZE));
    }

    /** Settings with the default row-group row limit and its copy threshold. */
    public MergeSettings(long targetFileSizeBytes, String sortColumn, long mergeMemoryBytes, String compression,
                         String spillDirectory, long rowGroupSizeBytes, long copyRowGroupBytes) {
        this(targetFileSizeBytes, sortColumn, mergeMemoryBytes, compression, spillDirectory, rowGroupSizeBytes,
                copyRowGroupBytes, DEFAULT_ROW_GROUP_ROWS, defaultCopyThreshold(DEFAULT_ROW_GROUP_ROWS),
                DEFAULT_THREADS);
    }

    /** Settings with ZSTD at its default level ({@link #DEFAULT_COMPRESSION_LEVEL}). */
    public MergeSettings(long targetFileSizeBytes, String sortColumn, long mergeMemoryBytes, String compression,
                         String spillDirectory, long rowGroupSizeBytes, long copyRowGroupBytes, long rowGroupRows,
                         long copyRowGroupRows, int threads) {
        this(targetFileSizeBytes, sortColumn, mergeMemoryBytes, compression, spillDirectory, rowGroupSizeBytes,
                copyRowGroupBytes, rowGroupRows, copyRowGroupRows, threads, DEFAULT_COMPRESSION_LEVEL);
    }

    public static MergeSettings defaults() {
        return new MergeSettings(128L << 20, null, 128L << 20, DEFAULT_COMPRESSION, "");
    }

    /**
     * An eighth of a row group, in bytes or in rows: a row group that size already reads well, and copying it is
     * 20-30 times cheaper than re-encoding it. Smaller ones would make the output's row groups small.
     */
    public static long defaultCopyThreshold(long rowGroupSize) {
        return rowGroupSize / 8;
    }

    /** True when an input row group is large enough, in bytes or in rows, to be copied rather than re-encoded. */
    public boolean copies(long compressedBytes, long rows) {
        return compressedBytes >= copyRowGroupBytes || rows >= copyRowGroupRows;
    }

    public Optional<String> sortColumnIfSet() {
        return Optional.ofNullable(sortColumn);
    }
}
