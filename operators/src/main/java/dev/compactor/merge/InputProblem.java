package dev.compactor.merge;

import org.apache.parquet.io.ParquetDecodingException;

import java.io.EOFException;
import java.util.regex.Pattern;

/**
 * What is wrong with an input, in the words an operator reads in status and in the quarantine record: never an
 * exception's class name or a bare "null". parquet-java reports most defects of a file as generic exceptions, so
 * the kind of failure picks the sentence and the library's own message, cleaned of class names, adds detail.
 */
public final class InputProblem {

    /** A fully qualified class name, optionally followed by ": ", as exception messages embed them. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");

    private static final Pattern READ_POSITION = Pattern.compile("^Can not read value at \\d+ in block -?\\d+ in file");

    private InputProblem() {}

    /** A defect found in a file, described in plain words by whoever found it. */
    public static final class BadInput extends RuntimeException {
        public BadInput(String reason) {
            super(reason);
        }

        public BadInput(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    public static String describe(Throwable e) {
        if (e instanceof UnreadableInputException u) {
            return u.reason();
        }
        if (e instanceof BadInput) {
            return e.getMessage();
        }
        if (e instanceof EOFException) {
            return "the file ends where the footer says more data follows (truncated, or a wrong size or offset "
                    + "in its metadata)";
        }
        String detail = detailOf(e);
        if (detail.contains("CRC")) {
            return "the file is corrupt: a page does not match the CRC checksum its writer recorded (" + detail + ")";
        }
        if (detail.contains("values in column chunk at")) {
            return "a column chunk holds another number of values than its metadata says: " + detail;
        }
        if (e instanceof ParquetDecodingException) {
            return "a page cannot be decoded" + (detail.isEmpty() ? "" : ": " + detail);
        }
        if (e instanceof NullPointerException || e instanceof ClassCastException
                || e instanceof IndexOutOfBoundsException || e instanceof NegativeArraySizeException
                || e instanceof ArithmeticException) {
            return "the file's metadata or pages are malformed (the Parquet reader stopped on inconsistent "
                    + "values)" + (detail.isEmpty() ? "" : ": " + detail);
        }
        if (e instanceof OutOfMemoryError) {
            return "the file declares a page or value larger than the merge can hold";
        }
        return detail.isEmpty() ? "the file cannot be read as Parquet" : detail;
    }

    /** The messages along the cause chain that say something, without class names, joined once each. */
    private static String detailOf(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null || m.isBlank() || m.equals("null")) {
                continue;
            }
            if (READ_POSITION.matcher(m).find()) {
                // parquet-java's wrapper saying where it was; the cause says what went wrong
                continue;
            }
            m = CLASS_NAME.matcher(m).replaceAll("").trim();
            if (!m.isEmpty() && out.indexOf(m) < 0) {
                out.append(out.isEmpty() ? "" : " (").append(m).append(out.isEmpty() ? "" : ")");
            }
        }
        return out.toString();
    }
}
