package dev.compactor.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;

/** The JSON form of snapshots (as kept in queryable state) and of the statuses the API answers with. */
public final class StatusJson {

    // Snapshots written by a newer job version may carry fields this reader does not know yet.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StatusJson() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static NamespaceSnapshot readSnapshot(String json) {
        try {
            return MAPPER.readValue(json, NamespaceSnapshot.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot read a namespace snapshot from queryable state", e);
        }
    }
}
