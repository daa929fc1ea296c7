package dev.compactor.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one notification record into object events. The format is recognised by its shape, not configured, so one
 * stream may carry R2 notifications, S3 event notifications and EventBridge events at once:
 * <ul>
 *   <li>R2: {@code {"action":"PutObject","object":{"key","size","eTag"},"eventTime"}}</li>
 *   <li>S3: {@code {"Records":[{"eventName":"ObjectCreated:Put","eventTime","s3":{"object":{"key","size","eTag"}}}]}},
 *       whose keys are URL-encoded; and the {@code s3:TestEvent} S3 sends when notifications are configured</li>
 *   <li>EventBridge: {@code {"detail-type":"Object Created","time","detail":{"object":{"key","size","etag"}}}}</li>
 *   <li>a JSON array of any of these</li>
 * </ul>
 * Actions that neither create nor remove an object become {@link ObjectEvent.Action#OTHER} events, so they are
 * counted downstream rather than lost here. Thread-safe.
 */
public final class NotificationParser {

    private static final Set<String> R2_CREATED = Set.of("PutObject", "CopyObject", "CompleteMultipartUpload");
    private static final Set<String> R2_DELETED = Set.of("DeleteObject", "LifecycleDeletion");

    private final ObjectMapper mapper = new ObjectMapper();

    public List<ObjectEvent> parse(byte[] record) throws MalformedNotificationException {
        if (record == null) {
            throw new MalformedNotificationException("notification record is null");
        }
        try {
            return parseTree(mapper.readTree(record));
        } catch (JsonProcessingException e) {
            throw notJson(new String(record, StandardCharsets.UTF_8), e);
        } catch (IOException e) {
            throw new MalformedNotificationException("notification record could not be read: " + e.getMessage(), e);
        }
    }

    public List<ObjectEvent> parse(String record) throws MalformedNotificationException {
        if (record == null) {
            throw new MalformedNotificationException("notification record is null");
        }
        try {
            return parseTree(mapper.readTree(record));
        } catch (JsonProcessingException e) {
            throw notJson(record, e);
        }
    }

    private List<ObjectEvent> parseTree(JsonNode root) throws MalformedNotificationException {
        if (root == null || root.isMissingNode()) {
            throw new MalformedNotificationException("notification record is empty, expected a JSON object or array");
        }
        List<ObjectEvent> events = new ArrayList<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                JsonNode element = root.get(i);
                if (!element.isObject()) {
                    throw new MalformedNotificationException(
                            "element " + i + " of the notification array is " + describe(element) + ", expected an object");
                }
                parseNotification((ObjectNode) element, "element " + i + ": ", events);
            }
        } else if (root.isObject()) {
            parseNotification((ObjectNode) root, "", events);
        } else {
            throw new MalformedNotificationException(
                    "notification record is " + describe(root) + ", expected a JSON object or array");
        }
        return events;
    }

    private void parseNotification(ObjectNode n, String where, List<ObjectEvent> out) throws MalformedNotificationException {
        if (n.has("Records")) {
            parseS3(n, where, out);
        } else if ("s3:TestEvent".equals(n.path("Event").asText(null))) {
            // S3 sends this once when a notification configuration is saved; it names no object.
        } else if (n.has("detail-type")) {
            out.add(parseEventBridge(n, where));
        } else if (n.has("action") && n.has("object")) {
            out.add(parseR2(n, where));
        } else {
            throw new MalformedNotificationException(where + "unrecognised notification: expected an R2 notification "
                    + "(action, object), an S3 event notification (Records) or an EventBridge event (detail-type); "
                    + "found fields " + fieldNames(n));
        }
    }

    private ObjectEvent parseR2(ObjectNode n, String where) throws MalformedNotificationException {
        String action = requireText(n, "action", where);
        ObjectEvent.Action kind = R2_CREATED.contains(action) ? ObjectEvent.Action.CREATED
                : R2_DELETED.contains(action) ? ObjectEvent.Action.DELETED : ObjectEvent.Action.OTHER;
        JsonNode object = requireObject(n, "object", where);
        return event(kind, action, requireText(object, "key", where + "object."), object, "eTag",
                time(n, "eventTime", where), where);
    }

    private void parseS3(ObjectNode n, String where, List<ObjectEvent> out) throws MalformedNotificationException {
        JsonNode records = n.get("Records");
        if (!records.isArray()) {
            throw new MalformedNotificationException(where + "Records is " + describe(records) + ", expected an array");
        }
        for (int i = 0; i < records.size(); i++) {
            String at = where + "Records[" + i + "].";
            JsonNode r = records.get(i);
            if (!r.isObject()) {
                throw new MalformedNotificationException(at.substring(0, at.length() - 1) + " is " + describe(r)
                        + ", expected an object");
            }
            String eventName = requireText(r, "eventName", at);
            JsonNode object = requireObject(requireObject(r, "s3", at), "object", at + "s3.");
            String key = urlDecode(requireText(object, "key", at + "s3.object."), at);
            out.add(event(s3Action(eventName), eventName, key, object, "eTag", time(r, "eventTime", at), at));
        }
    }

    /** S3 names events with or without the "s3:" prefix, depending on where the name appears. */
    private static ObjectEvent.Action s3Action(String eventName) {
        String name = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
        if (name.startsWith("ObjectCreated:")) {
            return ObjectEvent.Action.CREATED;
        }
        // A lifecycle expiration removes the object (or hides it behind a delete marker) just as a DELETE does.
        if (name.startsWith("ObjectRemoved:") || name.startsWith("LifecycleExpiration:")) {
            return ObjectEvent.Action.DELETED;
        }
        return ObjectEvent.Action.OTHER;
    }

    private ObjectEvent parseEventBridge(ObjectNode n, String where) throws MalformedNotificationException {
        String detailType = requireText(n, "detail-type", where);
        ObjectEvent.Action kind = switch (detailType) {
            case "Object Created" -> ObjectEvent.Action.CREATED;
            case "Object Deleted" -> ObjectEvent.Action.DELETED;
            default -> ObjectEvent.Action.OTHER;
        };
        JsonNode object = requireObject(requireObject(n, "detail", where), "object", where + "detail.");
        return event(kind, detailType, requireText(object, "key", where + "detail.object."), object, "etag",
                time(n, "time", where), where);
    }

    private static ObjectEvent event(ObjectEvent.Action kind, String sourceAction, String key, JsonNode object,
                                     String eTagField, long time, String where) throws MalformedNotificationException {
        if (key.isEmpty()) {
            throw new MalformedNotificationException(where + "object key is empty");
        }
        JsonNode size = object.get("size");
        long bytes;
        if (size == null || size.isNull()) {
            // Deletions carry no size; a creation without one cannot be planned into a merge.
            if (kind == ObjectEvent.Action.CREATED) {
                throw new MalformedNotificationException(where + "object.size is missing for created object '"
                        + Printable.excerpt(key) + "'");
            }
            bytes = 0;
        } else if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
            throw new MalformedNotificationException(where + "object.size is " + describe(size)
                    + ", expected a non-negative integer, for object '" + Printable.excerpt(key) + "'");
        } else {
            bytes = size.asLong();
        }
        JsonNode eTag = object.get(eTagField);
        String tag = eTag == null || eTag.isNull() ? null : eTag.asText();
        return new ObjectEvent(kind, sourceAction, key, bytes, tag, time);
    }

    private static long time(JsonNode n, String field, String where) throws MalformedNotificationException {
        JsonNode t = n.get(field);
        if (t == null || t.isNull()) {
            return 0;
        }
        if (!t.isTextual()) {
            throw new MalformedNotificationException(where + field + " is " + describe(t) + ", expected an ISO-8601 time");
        }
        try {
            return Instant.parse(t.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new MalformedNotificationException(where + field + " '" + Printable.excerpt(t.asText())
                    + "' is not an ISO-8601 UTC time like 2024-05-01T12:00:00.000Z", e);
        }
    }

    private static String urlDecode(String key, String where) throws MalformedNotificationException {
        try {
            return URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedNotificationException(where + "s3.object.key '" + Printable.excerpt(key)
                    + "' is not validly URL-encoded: " + e.getMessage(), e);
        }
    }

    private static String requireText(JsonNode n, String field, String where) throws MalformedNotificationException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new MalformedNotificationException(where + field + " is missing");
        }
        if (!v.isTextual()) {
            throw new MalformedNotificationException(where + field + " is " + describe(v) + ", expected a string");
        }
        return v.asText();
    }

    private static JsonNode requireObject(JsonNode n, String field, String where) throws MalformedNotificationException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new MalformedNotificationException(where + field + " is missing");
        }
        if (!v.isObject()) {
            throw new MalformedNotificationException(where + field + " is " + describe(v) + ", expected an object");
        }
        return v;
    }

    private static MalformedNotificationException notJson(String record, JsonProcessingException e) {
        return new MalformedNotificationException("notification record is not JSON (" + e.getOriginalMessage()
                + "): '" + Printable.excerpt(record) + "'", e);
    }

    private static String describe(JsonNode v) {
        String type = v.getNodeType().name().toLowerCase(Locale.ROOT);
        return v.isContainerNode() ? "a JSON " + type : "a JSON " + type + " (" + Printable.excerpt(v.toString()) + ")";
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
