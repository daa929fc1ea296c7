package dev.compactor.events;

import dev.compactor.layout.BucketLayout;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An operator's command to the job. The status API writes it as an object
 * {@code _control/{namespace}/{id}.{verb}.json}; the bucket watcher sees it like any other object, so the command
 * travels through the job in order with the data, is part of the source's checkpoint and is replayed on restore.
 * The whole command is in the key name, so classifying it reads no object content; the body is an audit record.
 *
 * <p>The id is {@code {epochMillis}-{8 hex}}: commands of one namespace sort (and are listed) in the order they were
 * issued.
 *
 * @param windowStart the window a rollback, trigger or uncompact names, 0 otherwise
 * @param priority    the priority a set-priority command sets, 0 otherwise
 * @param overrides   a rollback's per-window merge parameters ({@code WindowOverrides#spec}), "" for none
 */
public record ControlCommand(String id, Kind kind, long windowStart, int priority, String overrides) {

    public enum Kind {
        /** Re-run the stuck-window check and the dispatch now. */
        TRIGGER_CHECK("trigger-check"),
        /** Put a processing, dispatched or failed window back to pending; it is retried at once. */
        ROLLBACK("rollback"),
        /** Override the namespace's configured priority. */
        SET_PRIORITY("priority"),
        /** Forget everything tracked for the namespace. */
        RESET("reset"),
        /** Drop generations without files and writers that are no longer active. */
        CLEANUP("cleanup"),
        /** Dispatch a window's pending generation now, whatever its readiness; lifts an uncompact hold. */
        TRIGGER("trigger"),
        /**
         * Hold a window that is being un-compacted: its sources come back under their keys and must not be compacted
         * again until a {@link #TRIGGER}.
         */
        UNCOMPACT("uncompact");

        public final String verb;

        Kind(String verb) {
            this.verb = verb;
        }
    }

    private static final Pattern FILE_NAME = Pattern.compile(
            "(\\d{13}-[0-9a-f]{8})\\.(trigger-check|cleanup|reset|priority-(\\d)|rollback-(\\d{1,19})((?:~[a-z]+=[a-z0-9]+){0,8})"
                    + "|(trigger|uncompact)-(\\d{1,19}))\\.json");
    private static final SecureRandom RANDOM = new SecureRandom();

    public ControlCommand {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        overrides = overrides == null ? "" : overrides;
    }

    /** A command without per-window merge parameters. */
    public ControlCommand(String id, Kind kind, long windowStart, int priority) {
        this(id, kind, windowStart, priority, "");
    }

    public static String newId(long epochMillis) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return String.format(Locale.ROOT, "%013d-%s", epochMillis, HexFormat.of().formatHex(bytes));
    }

    public static ControlCommand of(String id, Kind kind) {
        return new ControlCommand(id, kind, 0, 0);
    }

    public static ControlCommand rollback(String id, long windowStart) {
        return new ControlCommand(id, Kind.ROLLBACK, windowStart, 0);
    }

    /** A rollback that also sets the window's merge parameters ({@code WindowOverrides#spec}; "" for none). */
    public static ControlCommand rollback(String id, long windowStart, String overrides) {
        return new ControlCommand(id, Kind.ROLLBACK, windowStart, 0, overrides);
    }

    public static ControlCommand trigger(String id, long windowStart) {
        return new ControlCommand(id, Kind.TRIGGER, windowStart, 0);
    }

    public static ControlCommand uncompact(String id, long windowStart) {
        return new ControlCommand(id, Kind.UNCOMPACT, windowStart, 0);
    }

    public static ControlCommand setPriority(String id, int priority) {
        return new ControlCommand(id, Kind.SET_PRIORITY, 0, priority);
    }

    /**
     * When the command was issued (epoch ms), from its id; -1 for an id not made by {@link #newId}, which only
     * hand-built commands have (object keys are checked against the id format).
     */
    public long issuedAt() {
        int dash = id.indexOf('-');
        if (dash != 13) {
            return -1;
        }
        for (int i = 0; i < dash; i++) {
            if (!Character.isDigit(id.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(id.substring(0, dash));
    }

    /** The object that carries this command for {@code namespace}; the namespace must be valid. */
    public String objectKey(String namespace) {
        return BucketLayout.CONTROL_PREFIX + checkNamespace(namespace) + "/" + fileName();
    }

    private String fileName() {
        String verb = switch (kind) {
            case ROLLBACK -> kind.verb + "-" + windowStart + (overrides.isEmpty() ? "" : "~" + overrides);
            case TRIGGER, UNCOMPACT -> kind.verb + "-" + windowStart;
            case SET_PRIORITY -> kind.verb + "-" + priority;
            default -> kind.verb;
        };
        return id + "." + verb + ".json";
    }

    /**
     * Checks a namespace an operator typed: one or more '/'-separated segments, no empty, '.' or '..' segment, no
     * leading '/', no control character.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String checkNamespace(String namespace) {
        try {
            if (namespace == null) {
                throw new InvalidNameException("the namespace is missing");
            }
            KeyNameRules.requirePrintable(namespace);
            return KeyNameRules.validateNamespace(namespace);
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    static ControlCommand parseFileName(String fileName) throws InvalidNameException {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            throw new InvalidNameException("control object name does not match "
                    + "{epochMillis}-{8 hex}.{trigger-check|cleanup|reset|priority-N|rollback-WINDOWSTART[~name=value...]"
                    + "|trigger-WINDOWSTART|uncompact-WINDOWSTART}.json");
        }
        String id = m.group(1);
        if (m.group(3) != null) {
            int priority = (int) KeyNameRules.parseUnsigned(m.group(3), "priority", 3);
            return setPriority(id, priority);
        }
        if (m.group(4) != null) {
            String overrides = m.group(5) == null || m.group(5).isEmpty() ? "" : m.group(5).substring(1);
            return rollback(id, KeyNameRules.parseUnsigned(m.group(4), "window start", Long.MAX_VALUE), overrides);
        }
        if (m.group(6) != null) {
            long windowStart = KeyNameRules.parseUnsigned(m.group(7), "window start", Long.MAX_VALUE);
            return m.group(6).equals(Kind.TRIGGER.verb) ? trigger(id, windowStart) : uncompact(id, windowStart);
        }
        for (Kind kind : Kind.values()) {
            if (kind.verb.equals(m.group(2))) {
                return of(id, kind);
            }
        }
        throw new IllegalStateException("pattern and kinds disagree on " + fileName);
    }
}
