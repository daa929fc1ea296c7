package dev.compactor.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The values of {@code events.source}. */
public enum EventSource {
    /** List the bucket and diff the listings: local directories, or any bucket without notifications. */
    BUCKET_WATCH,
    /** The bucket's object notifications, delivered to a Kinesis stream. */
    KINESIS;

    public String optionValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static EventSource parse(String value) {
        for (EventSource s : values()) {
            if (s.optionValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return s;
            }
        }
        throw new InvalidOptionException("invalid value '" + value + "' for --" + CompactorOptions.EVENTS_SOURCE.key()
                + ": expected one of " + Arrays.stream(values()).map(EventSource::optionValue)
                .collect(Collectors.joining(", ")));
    }
}
