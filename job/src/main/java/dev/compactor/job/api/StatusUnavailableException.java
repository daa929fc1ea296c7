package dev.compactor.job.api;

/** The job's status cannot be read right now; the API answers 503. */
public final class StatusUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public StatusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
