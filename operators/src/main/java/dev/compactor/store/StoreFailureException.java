package dev.compactor.store;

import java.io.IOException;

/**
 * The store failed to carry out a call (a timeout, a 5xx, throttling, a lost connection), after its client's own
 * retries. It says nothing about the object's content: a merge that meets one retries the attempt and never
 * quarantines the file it was reading.
 */
public final class StoreFailureException extends IOException {

    public StoreFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} or anything it was caused by is a store failure (parquet-java wraps I/O errors it meets). */
    public static boolean within(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StoreFailureException) {
                return true;
            }
        }
        return false;
    }
}
