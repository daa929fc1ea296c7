package dev.compactor.commit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.compactor.merge.StagedWindow;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A StagedWindow as JSON: the content of the {@code _STAGED.json} marker and the body of the committable's
 * checkpoint form. JSON rather than Flink's POJO serializer so that fields can be added to StagedWindow
 * without breaking savepoints taken by an older build. The marker adds {@value #INPUT_ETAGS}: the eTag of each
 * input version the attempt merged, which the commit records in the manifest and deletes only.
 */
public final class StagedWindowCodec {

    static final String INPUT_ETAGS = "inputETags";
    /** The merge parameters an operator's retry set for the window, as the attempt applied them. */
    static final String OVERRIDES = "overrides";

    private StagedWindowCodec() {}

    public static byte[] toJson(StagedWindow window) throws IOException {
        return CommitJson.MAPPER.writeValueAsBytes(window);
    }

    /** The {@code _STAGED.json} marker: the staged window and, under {@value #INPUT_ETAGS}, its inputs' eTags. */
    public static byte[] markerJson(StagedWindow window, Map<String, String> inputETags) throws IOException {
        return markerJson(window, inputETags, Map.of());
    }

    /** A marker that also records the per-window merge parameters the attempt applied (none when empty). */
    public static byte[] markerJson(StagedWindow window, Map<String, String> inputETags, Map<String, Object> overrides)
            throws IOException {
        ObjectNode marker = CommitJson.MAPPER.valueToTree(window);
        marker.set(INPUT_ETAGS, CommitJson.MAPPER.valueToTree(new TreeMap<>(inputETags)));
        if (!overrides.isEmpty()) {
            marker.set(OVERRIDES, CommitJson.MAPPER.valueToTree(overrides));
        }
        return CommitJson.MAPPER.writeValueAsBytes(marker);
    }

    /** The merge parameters recorded by {@link #markerJson(StagedWindow, Map, Map)}; empty for none. */
    public static Map<String, Object> overridesOfMarker(byte[] marker) throws IOException {
        return markerField(marker, OVERRIDES, new TypeReference<>() {});
    }

    /** The inputs' eTags of a marker written by {@link #markerJson}; empty for a marker without them. */
    public static Map<String, String> inputETagsOfMarker(byte[] marker) throws IOException {
        return markerField(marker, INPUT_ETAGS, new TypeReference<>() {});
    }

    private static <V> Map<String, V> markerField(byte[] marker, String field, TypeReference<Map<String, V>> type)
            throws IOException {
        try {
            JsonNode value = CommitJson.MAPPER.readTree(marker).get(field);
            return value == null ? Map.of() : CommitJson.MAPPER.convertValue(value, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IOException("not a readable staged marker: " + e.getMessage(), e);
        }
    }

    public static StagedWindow fromJson(byte[] json) throws IOException {
        try {
            return CommitJson.MAPPER.readValue(json, StagedWindow.class);
        } catch (JacksonException e) {
            throw new IOException("not a readable staged window: " + e.getOriginalMessage(), e);
        }
    }
}
