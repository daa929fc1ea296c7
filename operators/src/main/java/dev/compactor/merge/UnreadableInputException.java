package dev.compactor.merge;

import java.io.IOException;

/** A source file failed while its rows were being read: set it aside, the output is not at fault. */
final class UnreadableInputException extends IOException {

    private final InputFooter input;

    UnreadableInputException(InputFooter input, Throwable cause) {
        super("cannot read rows of " + input.key() + ": " + ParquetMerger.reasonOf(cause), cause);
        this.input = input;
    }

    InputFooter input() {
        return input;
    }
}
