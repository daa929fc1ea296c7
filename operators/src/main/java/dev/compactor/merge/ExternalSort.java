package dev.compactor.merge;

import dev.compactor.store.LocalObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts any number of rows in bounded memory. Rows are buffered up to a row limit, sorted and spilled as runs
 * (small Parquet files); at the end the runs are merged k ways, in several passes when there are more runs
 * than may be open at once. If no run was ever spilled, the buffer is sorted and emitted directly.
 *
 * <p>Stable: rows that compare equal come out in the order they were added. The in-memory sort is stable, runs
 * hold consecutive stretches of the input, merge passes combine neighbouring runs, and the k-way merge breaks
 * ties by run index.
 */
final class ExternalSort implements Closeable {

    /** Receives the sorted rows. */
    @FunctionalInterface
    interface RowSink {
        void accept(GenericRecord row) throws IOException;
    }

    private final Schema schema;
    private final Comparator<GenericRecord> order;
    private final int bufferRows;
    private final long runRowGroupBytes;
    private final int fanIn;
    private final SpillDirectory spill;

    private final List<GenericRecord> buffer = new ArrayList<>();
    private List<Path> runs = new ArrayList<>();
    private int spilledRuns;
    private int mergePasses;

    /**
     * @param bufferRows rows held in memory before a run is spilled
     * @param fanIn      runs read at once by one merge pass, at least 2
     */
    ExternalSort(Schema schema, Comparator<GenericRecord> order, int bufferRows, long runRowGroupBytes, int fanIn,
                 Path spillRoot) {
        if (bufferRows < 1 || fanIn < 2) {
            throw new IllegalArgumentException("need a buffer of at least 1 row and a fan-in of at least 2, got "
                    + bufferRows + " rows and fan-in " + fanIn);
        }
        this.schema = schema;
        this.order = order;
        this.bufferRows = bufferRows;
        this.runRowGroupBytes = runRowGroupBytes;
        this.fanIn = fanIn;
        this.spill = new SpillDirectory(spillRoot);
    }

    void add(GenericRecord row) throws IOException {
        buffer.add(row);
        if (buffer.size() >= bufferRows) {
            spillBuffer();
        }
    }

    /** Emits every added row in order. */
    void drainTo(RowSink sink) throws IOException {
        if (runs.isEmpty()) {
            buffer.sort(order);
            for (GenericRecord row : buffer) {
                sink.accept(row);
            }
            buffer.clear();
            return;
        }
        if (!buffer.isEmpty()) {
            spillBuffer();
        }
        while (runs.size() > fanIn) {
            runs = mergePass(runs);
        }
        mergeRuns(runs, sink);
        mergePasses++;
        for (Path run : runs) {
            spill.delete(run);
        }
        runs = List.of();
    }

    int spilledRuns() {
        return spilledRuns;
    }

    /** Passes over the spilled data, the final merge included; 0 when everything was sorted in memory. */
    int mergePasses() {
        return mergePasses;
    }

    @Override
    public void close() throws IOException {
        buffer.clear();
        spill.close();
    }

    private void spillBuffer() throws IOException {
        buffer.sort(order);
        Path run = spill.newRunFile();
        try (ParquetWriter<GenericRecord> out = runWriter(run)) {
            for (GenericRecord row : buffer) {
                out.write(row);
            }
        }
        buffer.clear();
        runs.add(run);
        spilledRuns++;
    }

    /** Merges neighbouring groups of at most fanIn runs, so run order (and with it stability) is kept. */
    private List<Path> mergePass(List<Path> input) throws IOException {
        List<Path> output = new ArrayList<>();
        for (int i = 0; i < input.size(); i += fanIn) {
            List<Path> group = input.subList(i, Math.min(i + fanIn, input.size()));
            if (group.size() == 1) {
                output.add(group.get(0));
                continue;
            }
            Path merged = spill.newRunFile();
            try (ParquetWriter<GenericRecord> out = runWriter(merged)) {
                mergeRuns(group, out::write);
            }
            for (Path run : group) {
                spill.delete(run);
            }
            output.add(merged);
        }
        mergePasses++;
        return output;
    }

    private void mergeRuns(List<Path> group, RowSink sink) throws IOException {
        List<RunCursor> cursors = new ArrayList<>();
        try {
            PriorityQueue<RunCursor> heads = new PriorityQueue<>(
                    Comparator.comparing((RunCursor c) -> c.head, order).thenComparingInt(c -> c.index));
            for (Path run : group) {
                RunCursor c = new RunCursor(cursors.size(),
                        AvroParquet.reader(LocalObjectStore.fileInput(run), schema));
                cursors.add(c);
                if (c.advance()) {
                    heads.add(c);
                }
            }
            while (!heads.isEmpty()) {
                RunCursor c = heads.poll();
                sink.accept(c.head);
                if (c.advance()) {
                    heads.add(c);
                }
            }
        } finally {
            Resources.closeAll(cursors.stream().map(c -> c.reader).toList());
        }
    }

    private ParquetWriter<GenericRecord> runWriter(Path run) throws IOException {
        // Runs live for seconds on local disk: compression would cost more CPU than the I/O it saves.
        return AvroParquet.writer(new LocalOutputFile(run), schema, CompressionCodecName.UNCOMPRESSED, runRowGroupBytes);
    }

    private static final class RunCursor {
        final int index;
        final ParquetReader<GenericRecord> reader;
        GenericRecord head;

        RunCursor(int index, ParquetReader<GenericRecord> reader) {
            this.index = index;
            this.reader = reader;
        }

        boolean advance() throws IOException {
            head = reader.read();
            return head != null;
        }
    }
}
