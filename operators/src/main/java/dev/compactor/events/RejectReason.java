package dev.compactor.events;

/** Why an object event was not turned into a {@link BucketEvent}. Each is counted by name. */
public enum RejectReason {
    /** The event neither creates nor removes an object (tagging, restore, replication...). */
    UNSUPPORTED_ACTION(true),
    /** The key is neither under the data prefix nor under one of the job's own prefixes. */
    OUTSIDE_DATA_PREFIX(true),
    /** A key under the data prefix that does not end in {@code .parquet}. */
    NOT_PARQUET(true),
    /** A key that should follow one of the layout's naming schemes but does not. */
    MALFORMED_NAME(true),
    /** A notification record that is not one of the formats NotificationParser reads; it names no usable object. */
    MALFORMED_NOTIFICATION(true),
    /** One of our own compacted outputs: expected after every commit, so counted but not an error. */
    COMPACTED_OUTPUT(false);

    private final boolean error;

    RejectReason(boolean error) {
        this.error = error;
    }

    /** Whether an operator should look into events rejected for this reason. */
    public boolean isError() {
        return error;
    }
}
