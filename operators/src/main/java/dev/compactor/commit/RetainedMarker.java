package dev.compactor.commit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.compactor.layout.BucketLayout;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a {@code _trash/{ns}/{ws}-g{gen}/_RETAINED.json} marker: until when, and whose generation. */
final class RetainedMarker {

    private static final Pattern MARKER_KEY = Pattern.compile(Pattern.quote(BucketLayout.TRASH_PREFIX)
            + "(.+)/(\\d{1,19})-g(\\d{1,9})/" + Pattern.quote(BucketLayout.RETAINED_MARKER));

    private RetainedMarker() {}

    /** The end of the retention; empty for a marker that cannot be read (kept, never guessed away). */
    static Optional<Instant> until(byte[] json) throws IOException {
        try {
            JsonNode until = CommitJson.MAPPER.readTree(json).get("retainedUntil");
            return until == null || !until.isTextual() ? Optional.empty() : Optional.of(Instant.parse(until.textValue()));
        } catch (JacksonException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The manifest of the generation whose sources the marker keeps. */
    static Optional<String> manifestKey(BucketLayout layout, String markerKey) {
        Matcher m = MARKER_KEY.matcher(markerKey);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(layout.manifestKey(m.group(1), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3))));
    }
}
