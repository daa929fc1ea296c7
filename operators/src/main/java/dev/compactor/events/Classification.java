package dev.compactor.events;

import java.util.Objects;

/**
 * What the classifier decided about one object event: accepted as a {@link BucketEvent}; ignored, because it is one
 * of the job's own objects that needs no action; or rejected with a reason. Ignored and rejected outcomes carry a
 * human-readable detail for the log line.
 */
public record Classification(Outcome outcome, BucketEvent event, RejectReason reason, String detail) {

    public enum Outcome { ACCEPTED, IGNORED, REJECTED }

    public Classification {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.ACCEPTED) != (event != null)) {
            throw new IllegalArgumentException("an event is required exactly when the outcome is ACCEPTED, outcome was "
                    + outcome);
        }
        if ((outcome == Outcome.REJECTED) != (reason != null)) {
            throw new IllegalArgumentException("a reason is required exactly when the outcome is REJECTED, outcome was "
                    + outcome);
        }
        if (outcome != Outcome.ACCEPTED && (detail == null || detail.isEmpty())) {
            throw new IllegalArgumentException(outcome + " needs a detail saying why");
        }
    }

    public static Classification accepted(BucketEvent event) {
        return new Classification(Outcome.ACCEPTED, Objects.requireNonNull(event, "event"), null, null);
    }

    public static Classification ignored(String detail) {
        return new Classification(Outcome.IGNORED, null, null, detail);
    }

    public static Classification rejected(RejectReason reason, String detail) {
        return new Classification(Outcome.REJECTED, null, Objects.requireNonNull(reason, "reason"), detail);
    }

    public boolean isAccepted() {
        return outcome == Outcome.ACCEPTED;
    }

    public boolean isIgnored() {
        return outcome == Outcome.IGNORED;
    }

    public boolean isRejected() {
        return outcome == Outcome.REJECTED;
    }
}
