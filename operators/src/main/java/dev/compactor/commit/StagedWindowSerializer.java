package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;

/** Checkpoint form of the sink's committable. Version 1 is the JSON of {@link StagedWindowCodec}. */
public final class StagedWindowSerializer implements SimpleVersionedSerializer<StagedWindow> {

    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(StagedWindow window) throws IOException {
        return StagedWindowCodec.toJson(window);
    }

    @Override
    public StagedWindow deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("cannot restore a staged window written with serializer version " + version
                    + "; this build reads version " + VERSION + ". Restore with the build that took the checkpoint"
                    + " or savepoint, or one that knows its version.");
        }
        return StagedWindowCodec.fromJson(serialized);
    }
}
