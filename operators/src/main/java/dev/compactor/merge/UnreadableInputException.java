package dev.compactor.merge;

import java.io.IOException;

/** A source file failed while its rows were being read: set it aside, the output is not at fault. */
final class UnreadableInputException extends IOException {

    private final InputFooter input;
    private final String reason;

    UnreadableInputException(InputFooter input, Throwable cause) {
        this(input, InputProblem.describe(cause), cause);
    }

    private UnreadableInputException(InputFooter input, String reason, Throwable cause) {
        super(input.key() + ": " + reason, cause);
        this.input = input;
        this.reason = reason;
    }

    InputFooter input() {
        return input;
    }

    /** Why, in plain words, without the file's name. */
    String reason() {
        return reason;
    }
}
