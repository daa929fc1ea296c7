package dev.compactor.merge;

import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * How a window is merged. Plain and serialisable, built from the job configuration.
 *
 * @param targetFileSizeBytes a part is closed once its written size reaches this
 * @param sortColumn          rows are ordered by this top-level column when set; file order otherwise
 * @param mergeMemoryBytes    bound on the bytes one merge buffers (rows held for sorting, row groups in flight)
 * @param compression         Parquet codec name of the outputs (SNAPPY, ZSTD, GZIP, UNCOMPRESSED)
 * @param spillDirectory      local directory for sort runs; the JVM's temporary directory when empty
 */
public record MergeSettings(long targetFileSizeBytes, String sortColumn, long mergeMemoryBytes, String compression,
                            String spillDirectory) implements Serializable {

    public static final long MIN_MERGE_MEMORY = 4L << 20;

    public MergeSettings {
        if (targetFileSizeBytes < 1024) {
            throw new IllegalArgumentException("target file size must be at least 1 kb, was " + targetFileSizeBytes + " bytes");
        }
        if (mergeMemoryBytes < MIN_MERGE_MEMORY) {
            throw new IllegalArgumentException(
                    "merge memory must be at least 4 mb, was " + mergeMemoryBytes + " bytes");
        }
        Objects.requireNonNull(compression, "compression");
        if (sortColumn != null && sortColumn.isBlank()) {
            sortColumn = null;
        }
        spillDirectory = spillDirectory == null ? "" : spillDirectory;
    }

    public static MergeSettings defaults() {
        return new MergeSettings(128L << 20, null, 128L << 20, "SNAPPY", "");
    }

    public Optional<String> sortColumnIfSet() {
        return Optional.ofNullable(sortColumn);
    }
}
