package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The binary form of an object event and of nullable strings inside the source's splits and checkpoints. Actions
 * are written by name, so reordering the enum cannot reinterpret old checkpoints; strings are written as
 * length-prefixed UTF-8 because {@code writeUTF} fails on strings over 64 KiB.
 */
final class ObjectEventCodec {

    private ObjectEventCodec() {}

    static void write(DataOutput out, ObjectEvent e) throws IOException {
        writeString(out, e.action == null ? null : e.action.name());
        writeString(out, e.sourceAction);
        writeString(out, e.key);
        out.writeLong(e.size);
        writeString(out, e.eTag);
        out.writeLong(e.eventTimeMillis);
    }

    static ObjectEvent read(DataInput in) throws IOException {
        String action = readString(in);
        String sourceAction = readString(in);
        String key = readString(in);
        long size = in.readLong();
        String eTag = readString(in);
        long time = in.readLong();
        try {
            return new ObjectEvent(action == null ? null : ObjectEvent.Action.valueOf(action), sourceAction, key, size,
                    eTag, time);
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown object event action '" + action + "' in serialized event of '" + key + "'", e);
        }
    }

    static void writeString(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < -1) {
            throw new IOException("corrupt serialized string: negative length " + length);
        }
        if (length == -1) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
