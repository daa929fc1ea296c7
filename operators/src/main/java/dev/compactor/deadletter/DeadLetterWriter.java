package dev.compactor.deadletter;

import dev.compactor.events.Rejection;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/** Buffers dead letters as JSON lines and writes them as one object per flush. */
final class DeadLetterWriter implements SinkWriter<Rejection> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;
    private final int subtask;
    private final int attempt;
    private final int maxBufferedBytes;
    private final Clock clock;
    private final Counter written;
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private int buffered;
    private long flushes;

    DeadLetterWriter(ObjectStore store, int subtask, int attempt, int maxBufferedBytes, Clock clock, Counter written) {
        this.store = store;
        this.subtask = subtask;
        this.attempt = attempt;
        this.maxBufferedBytes = maxBufferedBytes;
        this.clock = clock;
        this.written = written;
    }

    @Override
    public void write(Rejection rejection, Context context) throws IOException {
        lines.write(line(rejection, clock.millis()));
        buffered++;
        if (lines.size() >= maxBufferedBytes) {
            flush(false);
        }
    }

    /** Called before every checkpoint barrier and at the end of input. */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (buffered == 0) {
            return;
        }
        long now = clock.millis();
        store.write(BucketLayout.deadLetterKey(now, subtask, attempt, flushes++), lines.toByteArray());
        written.inc(buffered);
        lines.reset();
        buffered = 0;
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    static byte[] line(Rejection r, long timeMillis) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", Instant.ofEpochMilli(timeMillis).toString());
        n.put("reason", r.reason);
        n.put("key", r.key);
        n.put("action", r.sourceAction);
        n.put("detail", r.detail);
        if (r.record != null) {
            n.put("record", r.record);
        }
        byte[] json = JSON.writeValueAsBytes(n);
        byte[] out = new byte[json.length + 1];
        System.arraycopy(json, 0, out, 0, json.length);
        out[json.length] = '\n';
        return out;
    }
}
