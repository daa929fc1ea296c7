package dev.compactor.merge;

import dev.compactor.merge.plan.InputFooter;

import java.io.IOException;

/** A source file failed while its rows were being read: set it aside, the output is not at fault. */
public final class UnreadableInputException extends IOException {

    private final InputFooter input;
    private final String reason;

    public UnreadableInputException(InputFooter input, Throwable cause) {
        this(input, InputProblem.describe(cause), cause);
    }

    private UnreadableInputException(InputFooter input, String reason, Throwable cause) {
        super(input.key() + ": " + reason, cause);
        this.input = input;
        this.reason = reason;
    }

    public InputFooter input() {
        return input;
    }

    /**
     * True when the input's bytes are proven corrupt (a page that does not match its CRC, repetition levels that
     * start a page inside a row), as opposed to a reader refusing what it does not expect.
     */
    boolean isCorruption() {
        for (Throwable t = this; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("CRC") || m.contains("record boundaries"))) {
                return true;
            }
        }
        return false;
    }

    /** Why, in plain words, without the file's name. */
    String reason() {
        return reason;
    }
}
