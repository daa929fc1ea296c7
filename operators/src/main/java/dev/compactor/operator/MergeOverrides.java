package dev.compactor.operator;

import dev.compactor.merge.MergeSettings;
import dev.compactor.window.WindowOverrides;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A window's {@link WindowOverrides} applied to the configured merge settings, and their object's JSON form. */
public final class MergeOverrides {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MergeOverrides() {}

    /**
     * The configured settings with the window's overrides: {@code sort=off} merges in file order, {@code sort=on}
     * keeps the configured sort column (there is none to turn on otherwise).
     */
    public static MergeSettings apply(MergeSettings s, WindowOverrides o) {
        if (o.isEmpty()) {
            return s;
        }
        long rowGroup = o.rowGroupSizeBytes() != null ? o.rowGroupSizeBytes() : s.rowGroupSizeBytes();
        long copyRowGroup = o.rowGroupSizeBytes() != null ? MergeSettings.defaultCopyThreshold(rowGroup)
                : s.copyRowGroupBytes();
        return new MergeSettings(
                o.targetFileSizeBytes() != null ? o.targetFileSizeBytes() : s.targetFileSizeBytes(),
                Boolean.FALSE.equals(o.sort()) ? null : s.sortColumn(),
                o.mergeMemoryBytes() != null ? o.mergeMemoryBytes() : s.mergeMemoryBytes(),
                s.compression(), s.spillDirectory(), rowGroup, copyRowGroup, s.rowGroupRows(), s.copyRowGroupRows(),
                s.threads(), s.compressionLevel(),
                o.engine() != null ? MergeSettings.Engine.valueOf(o.engine()) : s.engine());
    }

    /** The overrides object: the spec (what the merge reads) and the same as fields (for people). */
    public static byte[] toJson(WindowOverrides o) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("spec", o.spec());
        body.putAll(o.fields());
        return JSON.writeValueAsBytes(body);
    }

    public static WindowOverrides fromJson(byte[] json) {
        try {
            JsonNode spec = JSON.readTree(json).get("spec");
            if (spec == null || !spec.isTextual()) {
                throw new IllegalArgumentException("no \"spec\" field");
            }
            return WindowOverrides.parse(spec.textValue());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
