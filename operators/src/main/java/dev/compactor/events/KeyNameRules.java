package dev.compactor.events;

import dev.compactor.layout.BucketLayout;

/**
 * Rules shared by every key name the classifier parses. Namespaces (one or more '/'-separated segments) become
 * state keys, metric labels and output paths, so anything that could alias another path or break a log line is
 * refused here.
 */
final class KeyNameRules {

    private KeyNameRules() {}

    /** Returns {@code path} when it is a valid namespace, else says what is wrong with it. */
    static String validateNamespace(String path) throws InvalidNameException {
        if (path.isEmpty()) {
            throw new InvalidNameException("the key has no namespace directory");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new InvalidNameException("namespace '" + Printable.excerpt(path) + "' has an empty path segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidNameException("namespace '" + Printable.excerpt(path) + "' has a '" + segment
                        + "' segment, which would alias another path");
            }
            if (segment.startsWith(BucketLayout.PARTITION_SEGMENT_PREFIX)) {
                throw new InvalidNameException("namespace '" + Printable.excerpt(path) + "' has a segment '"
                        + Printable.excerpt(segment) + "' that collides with the compacted-output partitions");
            }
        }
        return path;
    }

    /** Control characters are refused in every key the job parses, wherever they appear. */
    static void requirePrintable(String key) throws InvalidNameException {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidNameException(String.format("key contains the control character U+%04X at index %d",
                        (int) c, i));
            }
        }
    }

    /** A decimal number without sign, as in the layout's names; {@code what} names it in the error. */
    static long parseUnsigned(String digits, String what, long max) throws InvalidNameException {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidNameException(what + " '" + Printable.excerpt(digits) + "' is not a non-negative integer");
        }
        try {
            long value = Long.parseLong(digits);
            if (value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidNameException(what + " '" + Printable.excerpt(digits) + "' is larger than " + max);
        }
    }
}
