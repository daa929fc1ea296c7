package dev.compactor.merge.sort;

import java.io.IOException;

/** Rows reached a sorted merge out of order: some input was not sorted by the sort column after all. */
public final class UnsortedInputException extends IOException {

    UnsortedInputException(String source) {
        super("rows of " + source + " are not in sort-column order");
    }
}
