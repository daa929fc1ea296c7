package dev.compactor.job.source;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Version 1: next split sequence, known objects (key, size, eTag), pending events. */
public final class BucketWatchCheckpointSerializer implements SimpleVersionedSerializer<BucketWatchCheckpoint> {

    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(BucketWatchCheckpoint checkpoint) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(checkpoint.nextSplitSequence());
            out.writeInt(checkpoint.known().size());
            for (Map.Entry<String, BucketListingDiff.Version> e : checkpoint.known().entrySet()) {
                ObjectEventCodec.writeString(out, e.getKey());
                out.writeLong(e.getValue().size());
                ObjectEventCodec.writeString(out, e.getValue().eTag());
            }
            EventBatchSplitSerializer.writeEvents(out, checkpoint.pending());
        }
        return bytes.toByteArray();
    }

    @Override
    public BucketWatchCheckpoint deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("cannot read bucket watch checkpoint of serializer version " + version
                    + "; this build reads version " + VERSION);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            long nextSequence = in.readLong();
            int count = in.readInt();
            if (count < 0) {
                throw new IOException("corrupt bucket watch checkpoint: negative object count " + count);
            }
            TreeMap<String, BucketListingDiff.Version> known = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String key = ObjectEventCodec.readString(in);
                known.put(key, new BucketListingDiff.Version(in.readLong(), ObjectEventCodec.readString(in)));
            }
            return new BucketWatchCheckpoint(known, EventBatchSplitSerializer.readEvents(in), nextSequence);
        }
    }
}
