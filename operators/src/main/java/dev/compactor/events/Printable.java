package dev.compactor.events;

/** Untrusted text (keys, records) as it may appear in a log line or a reject detail: bounded and printable. */
final class Printable {

    private static final int MAX_CHARS = 200;

    private Printable() {}

    /** Control characters become {@code \\uXXXX}; text beyond 200 characters is cut and its length noted. */
    static String excerpt(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        int end = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > end) {
            b.append("…(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
