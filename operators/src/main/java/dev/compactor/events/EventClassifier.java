package dev.compactor.events;

import dev.compactor.layout.BucketLayout;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what an object event means to the job, from its action and the {@link BucketLayout} naming rules:
 * a writer's source file added or removed, a merge attempt staged, a window generation committed, an operator's
 * control command, one of the job's
 * own objects that needs no action, or a rejection with a reason. Never throws on odd input: bad events are data.
 */
public final class EventClassifier implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Prefixes the job (or an operator) writes to that no event needs to act on. */
    static final List<String> NO_ACTION_PREFIXES = List.of("_state/", BucketLayout.REJECTED_PREFIX,
            BucketLayout.TRASH_PREFIX, BucketLayout.TABLES_PREFIX, BucketLayout.DELTA_PREFIX);

    private static final Pattern MANIFEST_FILE = Pattern.compile("(\\d+)-g(\\d+)\\.json");
    private static final Pattern STAGING_DIR = Pattern.compile("(\\d+)-g(\\d+)-a(\\d+)");

    private final BucketLayout layout;

    public EventClassifier(BucketLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    public Classification classify(ObjectEvent e) {
        Objects.requireNonNull(e, "event");
        String key = e.key;
        if (key == null || key.isEmpty()) {
            return Classification.rejected(RejectReason.MALFORMED_NAME,
                    "event '" + Printable.excerpt(e.sourceAction) + "' names no object key");
        }
        if (e.action == null || e.action == ObjectEvent.Action.OTHER) {
            return Classification.rejected(RejectReason.UNSUPPORTED_ACTION, "'" + Printable.excerpt(e.sourceAction)
                    + "' on '" + Printable.excerpt(key) + "' neither creates nor removes an object");
        }
        try {
            KeyNameRules.requirePrintable(key);
            if (key.startsWith(layout.dataPrefix())) {
                return classifyData(e, key.substring(layout.dataPrefix().length()));
            }
            if (key.startsWith(BucketLayout.MANIFEST_PREFIX)) {
                return classifyManifest(e, key.substring(BucketLayout.MANIFEST_PREFIX.length()));
            }
            if (key.startsWith(BucketLayout.STAGING_PREFIX)) {
                return classifyStaging(e, key.substring(BucketLayout.STAGING_PREFIX.length()));
            }
            if (key.startsWith(BucketLayout.CONTROL_PREFIX)) {
                return classifyControl(e, key.substring(BucketLayout.CONTROL_PREFIX.length()));
            }
            if (key.startsWith(BucketLayout.QUARANTINE_PREFIX)) {
                return classifyQuarantine(e, key.substring(BucketLayout.QUARANTINE_PREFIX.length()));
            }
        } catch (InvalidNameException bad) {
            return Classification.rejected(RejectReason.MALFORMED_NAME,
                    "'" + Printable.excerpt(key) + "': " + bad.getMessage());
        }
        for (String prefix : NO_ACTION_PREFIXES) {
            if (key.startsWith(prefix)) {
                return Classification.ignored("'" + Printable.excerpt(key) + "' is under the job's own prefix '"
                        + prefix + "' and needs no action");
            }
        }
        return Classification.rejected(RejectReason.OUTSIDE_DATA_PREFIX, "'" + Printable.excerpt(key)
                + "' is neither under the data prefix '" + layout.dataPrefix() + "' nor under "
                + BucketLayout.MANIFEST_PREFIX + ", " + BucketLayout.STAGING_PREFIX + " or " + BucketLayout.CONTROL_PREFIX);
    }

    private Classification classifyData(ObjectEvent e, String path) throws InvalidNameException {
        int slash = path.lastIndexOf('/');
        String fileName = path.substring(slash + 1);
        if (fileName.startsWith(BucketLayout.COMPACTED_FILE_PREFIX) && fileName.endsWith(SourceFileName.SUFFIX)) {
            return Classification.rejected(RejectReason.COMPACTED_OUTPUT,
                    "'" + Printable.excerpt(e.key) + "' is a compacted output, not a source file");
        }
        if (!fileName.endsWith(SourceFileName.SUFFIX)) {
            return Classification.rejected(RejectReason.NOT_PARQUET, "'" + Printable.excerpt(e.key)
                    + "' is under the data prefix but does not end in " + SourceFileName.SUFFIX);
        }
        String namespace = KeyNameRules.validateNamespace(slash < 0 ? "" : path.substring(0, slash));
        SourceFileName name = SourceFileName.parse(fileName);
        if (e.action == ObjectEvent.Action.DELETED) {
            return Classification.accepted(BucketEvent.fileRemoved(namespace, e.key, name.epochSeconds() * 1000));
        }
        return Classification.accepted(BucketEvent.fileAdded(namespace, e.key, e.size, e.eTag, name.writerId(),
                name.seq(), name.epochSeconds() * 1000));
    }

    private Classification classifyManifest(ObjectEvent e, String path) throws InvalidNameException {
        if (e.action == ObjectEvent.Action.DELETED) {
            return Classification.ignored("removal of manifest '" + Printable.excerpt(e.key) + "' needs no action");
        }
        int slash = path.lastIndexOf('/');
        String namespace = KeyNameRules.validateNamespace(slash < 0 ? "" : path.substring(0, slash));
        Matcher m = MANIFEST_FILE.matcher(path.substring(slash + 1));
        if (!m.matches()) {
            throw new InvalidNameException("manifest name does not match " + BucketLayout.MANIFEST_PREFIX
                    + "{namespace}/{windowStart}-g{generation}.json");
        }
        return Classification.accepted(BucketEvent.windowCommitted(namespace, e.key, windowStart(m.group(1)),
                generation(m.group(2))));
    }

    private Classification classifyStaging(ObjectEvent e, String path) throws InvalidNameException {
        String[] segments = path.split("/", -1);
        String fileName = segments[segments.length - 1];
        boolean marker = fileName.equals(BucketLayout.STAGED_MARKER) || fileName.equals(BucketLayout.FAILED_MARKER)
                || fileName.equals(BucketLayout.PROGRESS_MARKER);
        if (!marker || e.action == ObjectEvent.Action.DELETED) {
            return Classification.ignored("staging object '" + Printable.excerpt(e.key)
                    + "' is written and cleared by the merge and the commit; its event needs no action");
        }
        if (segments.length < 3) {
            throw new InvalidNameException("staged marker is not under " + BucketLayout.STAGING_PREFIX
                    + "{namespace}/{windowStart}-g{generation}-a{attempt}/");
        }
        Matcher m = STAGING_DIR.matcher(segments[segments.length - 2]);
        if (!m.matches()) {
            throw new InvalidNameException("staging directory '" + Printable.excerpt(segments[segments.length - 2])
                    + "' does not match {windowStart}-g{generation}-a{attempt}");
        }
        int dirStart = path.length() - fileName.length() - 1 - segments[segments.length - 2].length();
        String namespace = KeyNameRules.validateNamespace(path.substring(0, dirStart - 1));
        int attempt = (int) KeyNameRules.parseUnsigned(m.group(3), "attempt", Integer.MAX_VALUE);
        if (fileName.equals(BucketLayout.FAILED_MARKER)) {
            return Classification.accepted(BucketEvent.windowFailed(namespace, e.key, windowStart(m.group(1)),
                    generation(m.group(2)), attempt, "merge attempt " + attempt + " failed; reason in " + e.key));
        }
        if (fileName.equals(BucketLayout.PROGRESS_MARKER)) {
            return Classification.accepted(BucketEvent.windowProgress(namespace, e.key, windowStart(m.group(1)),
                    generation(m.group(2)), attempt));
        }
        return Classification.accepted(BucketEvent.windowStaged(namespace, e.key, windowStart(m.group(1)),
                generation(m.group(2)), attempt));
    }

    private Classification classifyControl(ObjectEvent e, String path) throws InvalidNameException {
        if (e.action == ObjectEvent.Action.DELETED) {
            return Classification.ignored("removal of control object '" + Printable.excerpt(e.key)
                    + "' needs no action");
        }
        int slash = path.lastIndexOf('/');
        String namespace = KeyNameRules.validateNamespace(slash < 0 ? "" : path.substring(0, slash));
        ControlCommand command = ControlCommand.parseFileName(path.substring(slash + 1));
        return Classification.accepted(BucketEvent.control(namespace, e.key, command));
    }

    /** Each quarantined file has one reason object; that is the one counted. */
    private Classification classifyQuarantine(ObjectEvent e, String path) throws InvalidNameException {
        int slash = path.lastIndexOf('/');
        String fileName = path.substring(slash + 1);
        if (e.action == ObjectEvent.Action.DELETED || !fileName.endsWith(BucketLayout.REASON_SUFFIX)) {
            return Classification.ignored("quarantine object '" + Printable.excerpt(e.key)
                    + "' other than a new reason needs no action");
        }
        String namespace = KeyNameRules.validateNamespace(slash < 0 ? "" : path.substring(0, slash));
        SourceFileName name = SourceFileName.parse(BucketLayout.quarantinedFileName(fileName.substring(0,
                fileName.length() - BucketLayout.REASON_SUFFIX.length())));
        return Classification.accepted(BucketEvent.fileQuarantined(namespace, e.key, name.epochSeconds() * 1000));
    }

    private static long windowStart(String digits) throws InvalidNameException {
        return KeyNameRules.parseUnsigned(digits, "window start", Long.MAX_VALUE);
    }

    private static int generation(String digits) throws InvalidNameException {
        return (int) KeyNameRules.parseUnsigned(digits, "generation", Integer.MAX_VALUE);
    }
}
