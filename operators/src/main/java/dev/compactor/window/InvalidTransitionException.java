package dev.compactor.window;

/** A window state change the runbook's state machine does not allow; refused, never applied. */
public final class InvalidTransitionException extends Exception {
    public InvalidTransitionException(WindowRecord window, String change) {
        super("cannot " + change + " " + window + ": not allowed from " + window.state.runbookName());
    }
}
