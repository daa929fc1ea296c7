package dev.compactor.job;

/** A configuration value the user gave (or left out) that the job cannot run with; the message says which and why. */
public final class InvalidOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidOptionException(String message) {
        super(message);
    }
}
