package dev.compactor.events;

/** An object event the job did not act on, with the reason; the dead-letter record. Flink POJO. */
public class Rejection {
    public String key;
    public String sourceAction;
    public String reason;
    public String detail;
    /** The notification record as received, for a malformed one (its key is null); null otherwise. */
    public String record;

    public Rejection() {}

    public static Rejection malformedRecord(String record, String detail) {
        Rejection r = new Rejection(null, null, RejectReason.MALFORMED_NOTIFICATION.name(), detail);
        r.record = record;
        return r;
    }

    public Rejection(String key, String sourceAction, String reason, String detail) {
        this.key = key;
        this.sourceAction = sourceAction;
        this.reason = reason;
        this.detail = detail;
    }

    @Override
    public String toString() {
        return reason + ": " + key + " (" + detail + ")";
    }
}
