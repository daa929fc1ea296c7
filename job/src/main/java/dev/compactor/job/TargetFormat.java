package dev.compactor.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The values of {@code compaction.target-format}. */
public enum TargetFormat {
    /** Plain Parquet files under the data prefix, listed by our manifests. */
    NATIVE,
    /** The same files, also appended to one Iceberg table per namespace. */
    ICEBERG,
    /** The same files, also appended to one Delta Lake table per namespace. */
    DELTA;

    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TargetFormat parse(String value) {
        for (TargetFormat f : values()) {
            if (f.optionValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return f;
            }
        }
        throw new InvalidOptionException("invalid value '" + value + "' for --" + CompactorOptions.TARGET_FORMAT.key()
                + ": expected one of " + Arrays.stream(values()).map(TargetFormat::optionValue)
                .collect(Collectors.joining(", ")));
    }
}
