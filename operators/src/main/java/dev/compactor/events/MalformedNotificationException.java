package dev.compactor.events;

/**
 * A notification record that cannot be read as object events. Checked, so that every caller decides what a bad
 * record costs: the job counts and drops it, it never fails on one.
 */
public class MalformedNotificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedNotificationException(String message) {
        super(message);
    }

    public MalformedNotificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
