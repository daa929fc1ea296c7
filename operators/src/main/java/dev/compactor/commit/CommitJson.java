package dev.compactor.commit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON configuration of everything the commit writes: readable by people, tolerant of newer fields. */
final class CommitJson {

    /**
     * Pretty-printed because operators open manifests and markers by hand. Unknown properties are ignored so
     * an older build can still read what a newer one wrote (new fields are additions, never renames).
     */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CommitJson() {}
}
