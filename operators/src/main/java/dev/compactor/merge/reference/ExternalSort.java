package dev.compactor.merge.reference;

import dev.compactor.merge.UnreadableInputException;
import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.sort.Resources;
import dev.compactor.merge.sort.SpillDirectory;
import dev.compactor.merge.write.RowGroupFileWriter;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sorts any number of rows in bounded memory. Rows are buffered up to a row limit, sorted and spilled as runs
 * (small Parquet files in the window's schema, written and read by parquet-java's record API, so any type and
 * nesting sorts), at the end the runs are merged k ways, in several passes when there are more runs than may be
 * open at once. If no run was ever spilled, the buffer is sorted and emitted directly.
 *
 * <p>Stable: rows that compare equal come out in the order they were added. The in-memory sort is stable, runs
 * hold consecutive stretches of the input, merge passes combine neighbouring runs, and the k-way merge breaks
 * ties by run index.
 */
public final class ExternalSort implements Closeable {

    /** Receives the sorted rows. */
    @FunctionalInterface
    public interface RowSink {
        void accept(RowOrder.Row row) throws IOException;
    }

    private final MessageType schema;
    private final int[] identity;
    private final Comparator<RowOrder.Row> order;
    private final int bufferRows;
    private final long runRowGroupBytes;
    private final int fanIn;
    private final BytesInputCompressor runCompressor;
    private final SpillDirectory spill;

    private final List<RowOrder.Row> buffer = new ArrayList<>();
    private List<Path> runs = new ArrayList<>();
    private int spilledRuns;
    private int mergePasses;

    /**
     * @param bufferRows    rows held in memory before a run is spilled
     * @param fanIn         runs read at once by one merge pass, at least 2
     * @param runCompressor runs live for seconds on local disk: uncompressed costs less CPU than the I/O it saves
     */
    public ExternalSort(MessageType schema, Comparator<RowOrder.Row> order, int bufferRows, long runRowGroupBytes, int fanIn,
                 BytesInputCompressor runCompressor, SpillDirectory spill) {
        if (bufferRows < 1 || fanIn < 2) {
            throw new IllegalArgumentException("need a buffer of at least 1 row and a fan-in of at least 2, got "
                    + bufferRows + " rows and fan-in " + fanIn);
        }
        this.schema = schema;
        this.identity = GroupRecords.fieldsOf(schema, schema);
        this.order = order;
        this.bufferRows = bufferRows;
        this.runRowGroupBytes = runRowGroupBytes;
        this.fanIn = fanIn;
        this.runCompressor = runCompressor;
        this.spill = spill;
    }

    public void add(RowOrder.Row row) throws IOException {
        buffer.add(row);
        if (buffer.size() >= bufferRows) {
            spillBuffer();
        }
    }

    /** Emits every added row in order. */
    public void drainTo(RowSink sink) throws IOException {
        if (runs.isEmpty()) {
            buffer.sort(order);
            for (RowOrder.Row row : buffer) {
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

    public int spilledRuns() {
        return spilledRuns;
    }

    /** Passes over the spilled data, the final merge included; 0 when everything was sorted in memory. */
    public int mergePasses() {
        return mergePasses;
    }

    /** Lets go of the buffer and of runs not merged yet; the spill directory is the merge's, closed by it. */
    @Override
    public void close() throws IOException {
        buffer.clear();
        for (Path run : runs) {
            spill.delete(run);
        }
        runs = List.of();
    }

    private void spillBuffer() throws IOException {
        buffer.sort(order);
        Path run = spill.newRunFile();
        try (RunWriter out = new RunWriter(run)) {
            for (RowOrder.Row row : buffer) {
                out.accept(row);
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
            try (RunWriter out = new RunWriter(merged)) {
                mergeRuns(group, out);
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
                RunCursor c = new RunCursor(cursors.size(), GroupRecords.reader(LocalObjectStore.fileInput(run)));
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

    /** A run file in the window's schema, every column plain: a run is read once, seconds later. */
    private final class RunWriter implements RowSink, Closeable {
        private final RowGroupFileWriter out;

        RunWriter(Path run) throws IOException {
            Set<String> columns = schema.getColumns().stream().map(c -> String.join(".", c.getPath()))
                    .collect(Collectors.toSet());
            out = new RowGroupFileWriter(new LocalOutputFile(run), schema, null, runCompressor,
                    (int) Math.min(runRowGroupBytes, 1 << 20), ColumnEncodings.plain(columns), Map.of(), null);
        }

        @Override
        public void accept(RowOrder.Row row) throws IOException {
            try {
                out.write(row.group(), row.fields());
            } catch (RuntimeException e) {
                // encoding a row into memory fails only on its content: its input's failure
                if (row.source() == null) {
                    throw e;
                }
                throw new UnreadableInputException(row.source(), e);
            }
            if (out.bufferedBytes() >= runRowGroupBytes) {
                out.endRowGroup();
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private final class RunCursor {
        final int index;
        final ParquetReader<Group> reader;
        RowOrder.Row head;

        RunCursor(int index, ParquetReader<Group> reader) {
            this.index = index;
            this.reader = reader;
        }

        boolean advance() throws IOException {
            Group next = reader.read();
            head = next == null ? null : new RowOrder.Row(next, identity, null);
            return next != null;
        }
    }
}
