package dev.compactor.events;

/** A key that does not follow the layout's naming scheme; the message is the reject detail. */
final class InvalidNameException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidNameException(String detail) {
        super(detail, null, false, false);
    }
}
