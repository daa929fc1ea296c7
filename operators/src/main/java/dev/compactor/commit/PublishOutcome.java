package dev.compactor.commit;

import java.util.Objects;

/**
 * What one publish of a staged window did. Transient store errors are not outcomes: they surface as
 * IOException so the caller retries the whole (idempotent) publish.
 *
 * @param status          how the window ended up
 * @param outputsPublished parts moved from staging to their final names by this call
 * @param sourcesDeleted  merged inputs and quarantined originals this call deleted
 * @param filesQuarantined inputs this call copied to the quarantine prefix
 * @param failure         why the window cannot be committed; empty unless {@link Status#UNCOMMITTABLE}
 */
public record PublishOutcome(Status status, int outputsPublished, int sourcesDeleted, int filesQuarantined,
                             String failure) {

    public enum Status {
        /** This call wrote the manifest. */
        COMMITTED,
        /** A manifest already existed (a replay, or another attempt won); only the cleanup ran. */
        ALREADY_COMMITTED,
        /** Staged outputs are lost; nothing was published and no source was touched. Retrying cannot help. */
        UNCOMMITTABLE
    }

    public PublishOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failure, "failure");
    }

    static PublishOutcome uncommittable(String failure) {
        return new PublishOutcome(Status.UNCOMMITTABLE, 0, 0, 0, failure);
    }
}
