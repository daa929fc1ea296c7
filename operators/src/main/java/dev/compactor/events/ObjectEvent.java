package dev.compactor.events;

import java.util.Objects;

/**
 * One object-store notification, whatever its wire format (bucket listing diff, R2, S3, EventBridge).
 * A Flink POJO: public fields and a no-argument constructor, so it serialises without Kryo.
 */
public class ObjectEvent {

    /** What happened to the object. Anything that is neither a creation nor a removal is {@code OTHER}. */
    public enum Action { CREATED, DELETED, OTHER }

    public Action action;
    /** The notification's own name for the action (PutObject, s3:ObjectCreated:Put, ...), for logs. */
    public String sourceAction;
    public String key;
    public long size;
    public String eTag;
    /** When the store says it happened, epoch ms; 0 when the notification had no time. */
    public long eventTimeMillis;

    public ObjectEvent() {}

    public ObjectEvent(Action action, String sourceAction, String key, long size, String eTag, long eventTimeMillis) {
        this.action = action;
        this.sourceAction = sourceAction;
        this.key = key;
        this.size = size;
        this.eTag = eTag;
        this.eventTimeMillis = eventTimeMillis;
    }

    public static ObjectEvent created(String key, long size, String eTag, long eventTimeMillis) {
        return new ObjectEvent(Action.CREATED, "PutObject", key, size, eTag, eventTimeMillis);
    }

    public static ObjectEvent deleted(String key, long eventTimeMillis) {
        return new ObjectEvent(Action.DELETED, "DeleteObject", key, 0, null, eventTimeMillis);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ObjectEvent)) {
            return false;
        }
        ObjectEvent e = (ObjectEvent) o;
        return size == e.size && eventTimeMillis == e.eventTimeMillis && action == e.action
                && Objects.equals(sourceAction, e.sourceAction) && Objects.equals(key, e.key)
                && Objects.equals(eTag, e.eTag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, key, size, eTag, eventTimeMillis);
    }

    @Override
    public String toString() {
        return sourceAction + "(" + key + ", size=" + size + ", eTag=" + eTag + ", t=" + eventTimeMillis + ")";
    }
}
