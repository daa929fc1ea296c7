package dev.compactor.commit;

import com.fasterxml.jackson.core.JacksonException;
import dev.compactor.merge.StagedWindow;

import java.io.IOException;

/**
 * A StagedWindow as JSON: the content of the {@code _STAGED.json} marker and the body of the committable's
 * checkpoint form. JSON rather than Flink's POJO serializer so that fields can be added to StagedWindow
 * without breaking savepoints taken by an older build.
 */
public final class StagedWindowCodec {

    private StagedWindowCodec() {}

    public static byte[] toJson(StagedWindow window) throws IOException {
        return CommitJson.MAPPER.writeValueAsBytes(window);
    }

    public static StagedWindow fromJson(byte[] json) throws IOException {
        try {
            return CommitJson.MAPPER.readValue(json, StagedWindow.class);
        } catch (JacksonException e) {
            throw new IOException("not a readable staged window: " + e.getOriginalMessage(), e);
        }
    }
}
