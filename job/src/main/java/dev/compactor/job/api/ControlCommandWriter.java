package dev.compactor.job.api;

import dev.compactor.events.ControlCommand;
import dev.compactor.status.StatusJson;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.ObjectStoreFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Enqueues a control command by writing its object under {@code _control/} in the bucket, where the job's bucket
 * watcher picks it up. The body records who asked what and when; the job reads only the key.
 */
public final class ControlCommandWriter {

    private final ObjectStoreFactory stores;
    private final Clock clock;

    public ControlCommandWriter(ObjectStoreFactory stores, Clock clock) {
        this.stores = stores;
        this.clock = clock;
    }

    public String newId() {
        return ControlCommand.newId(clock.millis());
    }

    /** Writes the command for {@code namespace}; returns its object key. */
    public String enqueue(String namespace, ControlCommand command) throws IOException {
        String key = command.objectKey(namespace);
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("id", command.id());
        audit.put("namespace", namespace);
        audit.put("command", command.kind().verb);
        audit.put("windowStart", command.windowStart());
        audit.put("priority", command.priority());
        audit.put("issuedAt", Instant.ofEpochMilli(clock.millis()).toString());
        try (ObjectStore store = stores.open()) {
            store.write(key, StatusJson.write(audit).getBytes(StandardCharsets.UTF_8));
        }
        return key;
    }
}
