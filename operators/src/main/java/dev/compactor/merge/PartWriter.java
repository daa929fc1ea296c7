package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a window's rows into staging parts p0, p1, … and starts a new part once the current one reaches the
 * target size. A part is opened only when a row arrives for it, so there is never an empty trailing part.
 */
final class PartWriter {

    /**
     * The writer's size counts finished pages compressed but the open page of each column raw (dictionary
     * indexes even at 4 bytes each). Pages small next to the target keep that estimate close to the bytes the
     * part will have.
     */
    private static final int PAGES_PER_TARGET = 16;
    private static final int MIN_PAGE = 8 << 10;

    private final ObjectStore store;
    private final BucketLayout layout;
    private final CompactionTask task;
    private final Schema schema;
    private final CompressionCodecName codec;
    private final long rowGroupBytes;
    private final long targetBytes;

    private final List<StagedWindow.Part> closed = new ArrayList<>();
    private ParquetWriter<GenericRecord> current;
    private HashingOutputFile currentOutput;
    private long currentRows;

    PartWriter(ObjectStore store, BucketLayout layout, CompactionTask task, Schema schema,
               CompressionCodecName codec, long rowGroupBytes, long targetBytes) {
        this.store = store;
        this.layout = layout;
        this.task = task;
        this.schema = schema;
        this.codec = codec;
        this.rowGroupBytes = rowGroupBytes;
        this.targetBytes = targetBytes;
    }

    void write(GenericRecord row) throws IOException {
        if (current == null) {
            open();
        }
        current.write(row);
        currentRows++;
        if (current.getDataSize() >= targetBytes) {
            closeCurrent();
        }
    }

    /** Closes the last part and returns every part in part order. */
    List<StagedWindow.Part> finish() throws IOException {
        if (current != null) {
            closeCurrent();
        }
        return List.copyOf(closed);
    }

    /**
     * Removes every part this attempt wrote, so a failed merge leaves no staged output behind. Best effort: a
     * failure here must not hide the error that made us abort.
     */
    void abort(Throwable reason) {
        if (current != null) {
            int part = closed.size();
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                reason.addSuppressed(e);
            }
            current = null;
            deleteQuietly(stagingKey(part), reason);
        }
        for (StagedWindow.Part p : closed) {
            deleteQuietly(p.stagingKey, reason);
        }
        closed.clear();
    }

    private void open() throws IOException {
        currentOutput = new HashingOutputFile(store.outputFile(stagingKey(closed.size())));
        current = AvroParquet.writer(currentOutput, schema, codec, rowGroupBytes, pageBytes());
        currentRows = 0;
    }

    private void closeCurrent() throws IOException {
        int part = closed.size();
        ParquetWriter<GenericRecord> writer = current;
        current = null;
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(stagingKey(part), e);
            throw e;
        }
        closed.add(new StagedWindow.Part(stagingKey(part),
                layout.finalPartKey(task.namespace, task.windowStart, task.generation, part),
                currentRows, currentOutput.bytesWritten(), currentOutput.sha256Hex()));
    }

    private int pageBytes() {
        return (int) Math.max(MIN_PAGE, Math.min(ParquetWriter.DEFAULT_PAGE_SIZE, targetBytes / PAGES_PER_TARGET));
    }

    private String stagingKey(int part) {
        return layout.stagingPartKey(task.namespace, task.windowStart, task.generation, task.attempt, part);
    }

    private void deleteQuietly(String key, Throwable reason) {
        try {
            store.delete(key);
        } catch (IOException | RuntimeException e) {
            reason.addSuppressed(e);
        }
    }
}
