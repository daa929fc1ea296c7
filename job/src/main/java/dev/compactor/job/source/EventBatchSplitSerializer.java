package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Version 1: sequence, event count, events. Used for split assignment and for the reader's checkpoint. */
public final class EventBatchSplitSerializer implements SimpleVersionedSerializer<EventBatchSplit> {

    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(EventBatchSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(split.sequence());
            writeEvents(out, split.events());
        }
        return bytes.toByteArray();
    }

    @Override
    public EventBatchSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("cannot read event batch split of serializer version " + version
                    + "; this build reads version " + VERSION);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            long sequence = in.readLong();
            return new EventBatchSplit(sequence, readEvents(in));
        }
    }

    static void writeEvents(DataOutputStream out, List<ObjectEvent> events) throws IOException {
        out.writeInt(events.size());
        for (ObjectEvent e : events) {
            ObjectEventCodec.write(out, e);
        }
    }

    static List<ObjectEvent> readEvents(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("corrupt serialized event list: negative count " + count);
        }
        List<ObjectEvent> events = new ArrayList<>(Math.min(count, 1 << 16));
        for (int i = 0; i < count; i++) {
            events.add(ObjectEventCodec.read(in));
        }
        return events;
    }
}
