package dev.compactor.commit;

import org.apache.flink.api.connector.sink2.Committer;

/** A commit request that remembers how the committer answered it; fails like Flink's on an unknown reason. */
final class RecordingCommitRequest<T> implements Committer.CommitRequest<T> {

    enum Answer { NONE, RETRY_LATER, ALREADY_COMMITTED, FAILED }

    private final T committable;
    private int retries;
    Answer answer = Answer.NONE;
    Throwable failure;

    RecordingCommitRequest(T committable) {
        this.committable = committable;
    }

    @Override
    public T getCommittable() {
        return committable;
    }

    @Override
    public int getNumberOfRetries() {
        return retries;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
        answer = Answer.FAILED;
        failure = t;
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
        answer = Answer.FAILED;
        failure = t;
        throw new IllegalStateException("Failed to commit " + committable, t);
    }

    @Override
    public void retryLater() {
        answer = Answer.RETRY_LATER;
        retries++;
    }

    @Override
    public void updateAndRetryLater(T committable) {
        throw new UnsupportedOperationException("the committer never changes a committable");
    }

    @Override
    public void signalAlreadyCommitted() {
        answer = Answer.ALREADY_COMMITTED;
    }
}
