package dev.compactor.window;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Merge parameters an operator sets for one window when retrying it ("Retry with different parameters"): each is
 * null where the configured value applies. They travel in a rollback command's object name as a {@link #spec()}
 * ({@code mem=536870912~target=67108864~rowgroup=8388608~sort=off~engine=reference}), are kept by WindowTracker for
 * the window until it commits, read by the merge from the window's overrides object, and recorded in the manifest.
 *
 * @param mergeMemoryBytes    {@code compaction.merge-memory} for this window
 * @param targetFileSizeBytes {@code compaction.target-file-size} for this window
 * @param rowGroupSizeBytes   {@code compaction.row-group-size} for this window
 * @param sort                false merges in file order without the configured sort column; true keeps it
 * @param engine              {@code FAST} or {@code REFERENCE} ({@code compaction.merge-engine})
 */
public record WindowOverrides(Long mergeMemoryBytes, Long targetFileSizeBytes, Long rowGroupSizeBytes, Boolean sort,
                              String engine) {

    public static final WindowOverrides NONE = new WindowOverrides(null, null, null, null, null);

    public WindowOverrides {
        requireAtLeast(mergeMemoryBytes, 4L << 20, "merge memory");
        requireAtLeast(targetFileSizeBytes, 1024, "target file size");
        requireAtLeast(rowGroupSizeBytes, 1024, "row-group size");
        if (engine != null) {
            engine = engine.toUpperCase(Locale.ROOT);
            if (!engine.equals("FAST") && !engine.equals("REFERENCE")) {
                throw new IllegalArgumentException("engine must be FAST or REFERENCE, was " + engine);
            }
        }
    }

    private static void requireAtLeast(Long value, long min, String what) {
        if (value != null && value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + " bytes, was " + value);
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** The compact form carried in a control object's name; "" for none. */
    public String spec() {
        StringBuilder s = new StringBuilder();
        append(s, "mem", mergeMemoryBytes);
        append(s, "target", targetFileSizeBytes);
        append(s, "rowgroup", rowGroupSizeBytes);
        append(s, "sort", sort == null ? null : sort ? "on" : "off");
        append(s, "engine", engine == null ? null : engine.toLowerCase(Locale.ROOT));
        return s.toString();
    }

    private static void append(StringBuilder s, String name, Object value) {
        if (value != null) {
            s.append(s.length() == 0 ? "" : "~").append(name).append('=').append(value);
        }
    }

    /** Parses a {@link #spec()}; null or "" is {@link #NONE}. */
    public static WindowOverrides parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            return NONE;
        }
        Long mem = null;
        Long target = null;
        Long rowGroup = null;
        Boolean sort = null;
        String engine = null;
        for (String pair : spec.split("~")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("override '" + pair + "' is not name=value");
            }
            String value = pair.substring(eq + 1);
            switch (pair.substring(0, eq)) {
                case "mem" -> mem = parseBytes(value);
                case "target" -> target = parseBytes(value);
                case "rowgroup" -> rowGroup = parseBytes(value);
                case "sort" -> sort = switch (value) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("sort must be on or off, was " + value);
                };
                case "engine" -> engine = value;
                default -> throw new IllegalArgumentException("unknown override '" + pair.substring(0, eq)
                        + "'; known: mem, target, rowgroup, sort, engine");
            }
        }
        return new WindowOverrides(mem, target, rowGroup, sort, engine);
    }

    private static long parseBytes(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + digits + "' is not a number of bytes");
        }
    }

    /** The overrides as JSON-friendly fields (status, manifest), only those set. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (mergeMemoryBytes != null) {
            m.put("mergeMemoryBytes", mergeMemoryBytes);
        }
        if (targetFileSizeBytes != null) {
            m.put("targetFileSizeBytes", targetFileSizeBytes);
        }
        if (rowGroupSizeBytes != null) {
            m.put("rowGroupSizeBytes", rowGroupSizeBytes);
        }
        if (sort != null) {
            m.put("sort", sort);
        }
        if (engine != null) {
            m.put("engine", engine);
        }
        return m;
    }
}
