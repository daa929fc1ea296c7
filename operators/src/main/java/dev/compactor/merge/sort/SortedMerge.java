package dev.compactor.merge.sort;

import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.decode.DecodedColumn;
import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.read.InputPrefetch;
import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.merge.read.RowGroupRows;
import dev.compactor.merge.read.SourceRowGroups;
import dev.compactor.merge.write.ColumnRowSink;
import dev.compactor.merge.write.RowBatch;
import dev.compactor.merge.write.RowGroupFileSink;
import dev.compactor.merge.write.RowGroupFileWriter;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Streams inputs that are each sorted by the sort column into one sorted output: a k-way merge over the inputs'
 * rows, one decoded row group per input in memory, values copied column by column. When the inputs' row groups
 * do not fit in the read budget together, neighbouring inputs are first merged into sort runs (local files with
 * small row groups) until they do.
 *
 * <p>It trusts nothing: the output is checked to be in order as it is written, and the first row out of order
 * ends the merge with {@link UnsortedInputException}, so the caller can sort the window another way.
 *
 * <p>Stable: ties keep input order, since groups are neighbours and the merge breaks ties by source index.
 */
public final class SortedMerge {

    /** Rows gathered before a batch is written column by column. */
    private static final int BATCH_ROWS = 1024;
    /**
     * What of the open inputs' budget goes to arrays kept for reuse ({@link DecodedArrays}): enough for the few row
     * groups let go before the next ones are decoded.
     */
    private static final int KEPT_ARRAYS_SHARE = 32;

    private final MessageType schema;
    private final SortColumn key;
    private final ObjectStore store;
    /** What open inputs may hold: the read budget less what prefetching and kept arrays may hold. */
    private final long openBudgetBytes;
    private final long prefetchBytes;
    /** Arrays of row groups done with, for the next ones decoded: a small share of the read budget. */
    private final long keptArrayBytes;
    private final long runRowGroupBytes;
    private final BytesInputCompressor runCompressor;
    private final SpillDirectory spill;
    /** Runs are read once, seconds later: a dictionary per small row group would cost more than it saves. */
    private final Set<String> allColumns;
    /**
     * True when rows are decoded into arrays and written in batches: the sink takes batches
     * ({@link ColumnRowSink#writesBatches}) and every input chunk of bytes decodes into no more bytes than its
     * uncompressed size (set for each {@link #mergeInto}).
     */
    private boolean batched;
    private int runsWritten;
    private int passes;

    /**
     * @param readBudgetBytes what the inputs being read may hold at once: open inputs' row groups, and the files
     *                        fetched ahead of the merge
     * @param prefetchBytes   the part of it for fetching source files ahead, in the order the merge opens them,
     *                        so that an object store's latency overlaps with merging; 0 to read each file only
     *                        when it is opened
     */
    public SortedMerge(MessageType schema, SortColumn key, ObjectStore store, long readBudgetBytes,
                long prefetchBytes, long runRowGroupBytes, BytesInputCompressor runCompressor, SpillDirectory spill) {
        if (prefetchBytes < 0 || prefetchBytes > readBudgetBytes) {
            throw new IllegalArgumentException("prefetch bytes must be within the read budget of " + readBudgetBytes
                    + ", got " + prefetchBytes);
        }
        this.schema = schema;
        this.key = key;
        this.store = store;
        this.keptArrayBytes = (readBudgetBytes - prefetchBytes) / KEPT_ARRAYS_SHARE;
        this.openBudgetBytes = readBudgetBytes - prefetchBytes - keptArrayBytes;
        this.prefetchBytes = prefetchBytes;
        this.runRowGroupBytes = runRowGroupBytes;
        this.runCompressor = runCompressor;
        this.spill = spill;
        this.allColumns = schema.getColumns().stream().map(c -> String.join(".", c.getPath())).collect(Collectors.toSet());
    }

    /**
     * A sorted stream of rows: a source file (with its footer) or a sort run (footer null).
     *
     * @param memoryBytes        what reading it holds: its largest row group, compressed and decompressed
     * @param decodedMemoryBytes the same when row groups are decoded into arrays for batches: the arrays of its
     *                           largest row group; its pages are held only while it is decoded
     */
    public record Source(InputFooter footer, ColumnMapping mapping, long memoryBytes, long decodedMemoryBytes, Path run) {

        public static Source of(InputFooter footer, ColumnMapping mapping) {
            List<BlockMetaData> blocks = footer.rowGroups();
            return new Source(footer, mapping, pageMemory(blocks), decodedMemory(blocks), null);
        }

        /** A sort run, with the row groups its footer lists. */
        static Source ofRun(Path run, ColumnMapping mapping, List<BlockMetaData> blocks) {
            return new Source(null, mapping, pageMemory(blocks), decodedMemory(blocks), run);
        }

        /** What reading row groups value by value holds: the largest one, compressed and decompressed. */
        private static long pageMemory(List<BlockMetaData> blocks) {
            return blocks.stream().mapToLong(b -> b.getCompressedSize() + b.getTotalByteSize()).max().orElse(0);
        }

        /**
         * What reading row groups into arrays holds: the largest one's arrays. Its pages are let go once it is
         * decoded, but its compressed bytes stay held while more row groups follow: a fetched input's bytes until
         * its last row group is read, or parquet-java's reader's copy of its current row group.
         */
        private static long decodedMemory(List<BlockMetaData> blocks) {
            long decoded = 0;
            for (int i = 0; i < blocks.size(); i++) {
                decoded = Math.max(decoded, DecodedRowGroup.bytesFor(blocks.get(i))
                        + (i + 1 < blocks.size() ? blocks.get(i).getCompressedSize() : 0));
            }
            return decoded;
        }

        String name() {
            return footer != null ? footer.key() : run.getFileName().toString();
        }

        /**
         * How a source file is fetched ahead: opened, its first row group decoded (a merge decodes them all), into
         * arrays when the merge writes batches.
         */
        InputPrefetch.Input prefetched(boolean batched) {
            return new InputPrefetch.Input(footer, mapping, batched ? InputPrefetch.FirstRowGroup.DECODED_INTO_ARRAYS
                    : InputPrefetch.FirstRowGroup.DECODED);
        }
    }

    public void mergeInto(List<Source> sources, ColumnRowSink sink) throws IOException {
        batched = sink.writesBatches()
                && sources.stream().allMatch(s -> s.footer() == null || bytesBoundedByChunkSize(s.footer()));
        List<Source> current = sources;
        while (current.size() > 1 && !fits(current)) {
            current = mergePass(current);
        }
        merge(current, sink);
        passes++;
        for (Source s : current) {
            if (s.run() != null) {
                spill.delete(s.run());
            }
        }
    }

    /** True when the last merge wrote its rows in batches. */
    public boolean batched() {
        return batched;
    }

    /**
     * False when a chunk of byte values is prefix-coded (DELTA_BYTE_ARRAY): its values decode into far more bytes
     * than it holds, which the read budget cannot bound from the footer, so such windows copy rows one value at a
     * time. Every other encoding stores each value's bytes in full, or once in a dictionary
     * ({@link DecodedColumn}).
     */
    private static boolean bytesBoundedByChunkSize(InputFooter footer) {
        for (BlockMetaData block : footer.rowGroups()) {
            for (ColumnChunkMetaData chunk : block.getColumns()) {
                if (DecodedColumn.holdsBytes(chunk.getPrimitiveType().getPrimitiveTypeName())
                        && chunk.getEncodings().contains(Encoding.DELTA_BYTE_ARRAY)) {
                    return false;
                }
            }
        }
        return true;
    }

    public int runsWritten() {
        return runsWritten;
    }

    public int passes() {
        return passes;
    }

    private boolean fits(List<Source> sources) {
        return peakMemory(sources) <= openBudgetBytes;
    }

    /**
     * What an open source holds: its row group, and the whole file when it was fetched ahead into memory and has
     * row groups left to read (the file is let go once its last row group is decoded).
     */
    private long memoryOf(Source s) {
        boolean inMemory = s.footer() != null && s.footer().rowGroups().size() > 1
                && InputPrefetch.fetchesAhead(s.prefetched(batched).weight(), prefetchBytes);
        return (batched ? s.decodedMemoryBytes() : s.memoryBytes()) + (inMemory ? s.footer().size() : 0);
    }

    /**
     * The most memory the sources hold at once in one merge. A source is opened only when the merge reaches its
     * first key and is done after its last key (both from its footer), so sources whose key ranges do not overlap
     * never hold memory together: writers' files follow each other in time, and a window of many files usually
     * needs only the few that overlap at any moment. A source without known keys counts from start to end.
     */
    private long peakMemory(List<Source> sources) {
        List<Span> spans = new ArrayList<>();
        for (Source s : sources) {
            spans.add(new Span(firstKey(s), s.footer() == null ? Optional.empty() : key.lastKey(s.footer().rowGroups()),
                    memoryOf(s)));
        }
        spans.sort((a, b) -> compareFirstKeys(a.first(), b.first()));
        PriorityQueue<Span> open = new PriorityQueue<>((a, b) -> a.last().isEmpty() ? (b.last().isEmpty() ? 0 : 1)
                : b.last().isEmpty() ? -1 : key.compareKeys(a.last().get(), b.last().get()));
        long current = 0;
        long peak = 0;
        for (Span span : spans) {
            while (!open.isEmpty() && open.peek().last().isPresent() && span.first().isPresent()
                    && key.compareKeys(open.peek().last().get(), span.first().get()) < 0) {
                current -= open.poll().memory();
            }
            open.add(span);
            current += span.memory();
            peak = Math.max(peak, current);
        }
        return peak;
    }

    private record Span(Optional<Object> first, Optional<Object> last, long memory) {}

    private Optional<Object> firstKey(Source s) {
        return s.footer() == null ? Optional.empty() : key.firstKey(s.footer().rowGroups());
    }

    /** An unknown first key sorts before every key: such a source is opened at the start. */
    private int compareFirstKeys(Optional<Object> a, Optional<Object> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() ? (b.isEmpty() ? 0 : -1) : 1;
        }
        return key.compareKeys(a.get(), b.get());
    }

    /** Merges neighbouring groups that fit the budget (at least two sources each) into runs. */
    private List<Source> mergePass(List<Source> input) throws IOException {
        List<Source> output = new ArrayList<>();
        int i = 0;
        while (i < input.size()) {
            int end = i + 1;
            long memory = memoryOf(input.get(i));
            while (end < input.size() && (end - i < 2 || memory + memoryOf(input.get(end)) <= openBudgetBytes)) {
                memory += memoryOf(input.get(end));
                end++;
            }
            List<Source> group = input.subList(i, end);
            output.add(group.size() == 1 ? group.get(0) : writeRun(group));
            i = end;
        }
        passes++;
        return output;
    }

    private Source writeRun(List<Source> group) throws IOException {
        Path run = spill.newRunFile();
        try (RowGroupFileWriter out = new RowGroupFileWriter(new LocalOutputFile(run), schema, null,
                runCompressor, (int) Math.min(runRowGroupBytes, 1 << 20), ColumnEncodings.plain(allColumns), Map.of(), null)) {
            merge(group, new RowGroupFileSink(out, runRowGroupBytes, Long.MAX_VALUE));
        }
        for (Source s : group) {
            if (s.run() != null) {
                spill.delete(s.run());
            }
        }
        runsWritten++;
        // a run's row groups are small and uncompressed; what reading one holds comes from its own footer
        List<BlockMetaData> blocks;
        try (ParquetFileReader reader = ParquetFiles.open(LocalObjectStore.fileInput(run))) {
            blocks = reader.getRowGroups();
        }
        return Source.ofRun(run, ColumnMapping.identity(schema), blocks);
    }

    private void merge(List<Source> group, ColumnRowSink sink) throws IOException {
        List<Cursor> cursors = new ArrayList<>();
        InputPrefetch prefetch = null;
        DecodedArrays arrays = new DecodedArrays(keptArrayBytes);
        Batches batches = batched ? new Batches(sink, arrays) : null;
        key.forget();
        try {
            List<Waiting> byFirstKey = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                byFirstKey.add(new Waiting(i, group.get(i), firstKey(group.get(i))));
            }
            // stable: equal first keys keep input order, and so does the tree, which breaks ties by index
            byFirstKey.sort((a, b) -> compareFirstKeys(a.firstKey(), b.firstKey()));
            Deque<Waiting> waiting = new ArrayDeque<>(byFirstKey);
            // source files are fetched in the order the merge will open them; runs are local files
            List<InputPrefetch.Input> files = byFirstKey.stream().filter(w -> w.source().footer() != null)
                    .map(w -> w.source().prefetched(batches != null)).toList();
            prefetch = new InputPrefetch(store, files, prefetchBytes, arrays);
            OpenInputs open = new OpenInputs(prefetch, batches);
            while (true) {
                open.openReached(waiting, cursors);
                Cursor c = open.first();
                if (c == null) {
                    break;
                }
                if (key.beforeLast(c.key)) {
                    throw new UnsortedInputException(c.source.name());
                }
                key.remember(c.key);
                if (batches != null) {
                    batches.add(c.decoded, c.row, c.slot);
                } else {
                    c.copyRow(sink.columnWriters());
                    sink.endRow();
                }
                c.done = !c.advance();
                open.firstMoved();
            }
            if (batches != null) {
                batches.flush();
            }
        } finally {
            if (prefetch != null) {
                prefetch.close();
            }
            Resources.closeAll(cursors.stream().map(c -> c.groups).filter(g -> g != null).toList());
        }
    }

    /**
     * Rows taken by the merge, written to the sink a batch at a time, from row groups decoded into arrays that are
     * kept for the next row groups once no batch names them.
     */
    private static final class Batches {
        private final ColumnRowSink sink;
        private final RowBatch batch = new RowBatch(BATCH_ROWS);
        final DecodedArrays arrays;
        private int limit;

        Batches(ColumnRowSink sink, DecodedArrays arrays) {
            this.sink = sink;
            this.arrays = arrays;
            this.limit = sink.nextBatchRows(BATCH_ROWS);
        }

        /**
         * @param slot the input's slot in the merge: one row group per slot in a batch, as a batch is written
         *             before an input moves to its next row group or leaves its slot
         */
        void add(DecodedRowGroup group, int row, int slot) throws IOException {
            batch.add(group, row, slot);
            if (batch.size() >= limit) {
                flush();
            }
        }

        /** Lets go of a row group whose rows were all taken: once they are written, its arrays are reused. */
        void letGo(DecodedRowGroup group) throws IOException {
            flush();
            arrays.letGo(group);
        }

        /** Writes the rows taken so far. */
        void flush() throws IOException {
            if (batch.size() > 0) {
                sink.writeRows(batch);
                batch.clear();
            }
            limit = sink.nextBatchRows(BATCH_ROWS);
        }
    }

    /** An input not opened yet, with the key its rows start at (empty: unknown, opened at the start). */
    private record Waiting(int index, Source source, Optional<Object> firstKey) {}

    /** True when a cursor's row is at or past where the next waiting input starts, which must be opened first. */
    private boolean reaches(Cursor c, Deque<Waiting> waiting) {
        Waiting next = waiting.peek();
        return next != null && (next.firstKey().isEmpty() || key.compareTo(c.key, next.firstKey().get()) >= 0);
    }

    /**
     * The inputs open at once, in the slots of a {@link LoserTree}. A slot whose input ran out is given to the
     * next input opened, so the tree is as deep as the most inputs that overlap, not as the window is wide.
     */
    private final class OpenInputs {
        /** Source files, fetched in the order they are opened; runs are local files. */
        private final InputPrefetch prefetch;
        private int filesOpened;
        private static final int NULL_KEY = 0;
        private static final int KEY = 1;
        private static final int DONE = 2;

        private final List<Cursor> slots = new ArrayList<>();
        private final Deque<Integer> free = new ArrayDeque<>();
        private final boolean byRank = key.ranksAsLong();
        /** Per slot, what the tree compares, kept in arrays so a comparison does not chase the cursors. */
        private int[] state = new int[16];
        private long[] rank = new long[16];
        private int[] index = new int[16];
        /** Null keys first, ran-out inputs last; ties go to the input listed first. */
        private final LoserTree tree = new LoserTree((a, b) -> {
            if (state[a] != state[b]) {
                return state[a] < state[b];
            }
            if (state[a] == KEY) {
                if (byRank) {
                    if (rank[a] != rank[b]) {
                        return rank[a] < rank[b];
                    }
                } else {
                    int byKey = key.compare(slots.get(a).key, slots.get(b).key);
                    if (byKey != 0) {
                        return byKey < 0;
                    }
                }
            }
            return index[a] < index[b];
        });

        /** Null when rows are copied one at a time. */
        private final Batches batches;

        OpenInputs(InputPrefetch prefetch, Batches batches) {
            this.prefetch = prefetch;
            this.batches = batches;
        }

        private SourceRowGroups rowGroupsOf(Source s) throws IOException {
            return s.run() != null ? SourceRowGroups.open(LocalObjectStore.fileInput(s.run()), null, s.mapping())
                    : prefetch.openRowGroups(filesOpened++);
        }

        /** Takes a slot's cursor into the arrays the tree compares, after it moved. */
        private void sync(int slot) {
            if (slot >= state.length) {
                state = Arrays.copyOf(state, 2 * slot);
                rank = Arrays.copyOf(rank, 2 * slot);
                index = Arrays.copyOf(index, 2 * slot);
            }
            Cursor c = slots.get(slot);
            state[slot] = c.done ? DONE : SortColumn.isNull(c.key) ? NULL_KEY : KEY;
            rank[slot] = byRank && state[slot] == KEY ? key.rank(c.key) : 0;
            index[slot] = c.index;
        }

        /** The cursor whose row comes next, or null when every open input ran out. */
        Cursor first() {
            if (tree.size() == 0) {
                return null;
            }
            Cursor c = slots.get(tree.winner());
            return c.done ? null : c;
        }

        /** After the first cursor moved to its next row or ran out. */
        void firstMoved() {
            int slot = tree.winner();
            sync(slot);
            if (state[slot] == DONE) {
                free.push(slot);
            }
            tree.replayWinner();
        }

        /** Opens every waiting input that starts at or before the row that would come next. */
        void openReached(Deque<Waiting> waiting, List<Cursor> cursors) throws IOException {
            for (Cursor c = first(); !waiting.isEmpty() && (c == null || reaches(c, waiting)); c = first()) {
                Waiting w = waiting.poll();
                Source s = w.source();
                Cursor cursor = new Cursor(w.index(), s, rowGroupsOf(s), key, batches);
                cursors.add(cursor);
                if (cursor.advance()) {
                    int slot = free.isEmpty() ? slots.size() : free.pop();
                    cursor.slot = slot;
                    if (slot == slots.size()) {
                        slots.add(cursor);
                    } else {
                        slots.set(slot, cursor);
                    }
                    sync(slot);
                    tree.rebuild(slots.size());
                }
            }
        }
    }

    /** The current row of one source. */
    private static final class Cursor {
        final int index;
        final Source source;
        /** Null once the source ran out and was closed. */
        SourceRowGroups groups;
        final SortColumn sortColumn;
        /** The current row's key, read once when the cursor reaches the row. */
        final SortColumn.Key key = new SortColumn.Key();
        RowGroupRows rows;
        /** With batches: the current row group, decoded, and the current row in it. */
        private final Batches batches;
        DecodedRowGroup decoded;
        int row;
        /** True once the source has no row left. */
        boolean done;
        /** Where the merge's tree holds this cursor. */
        int slot;

        Cursor(int index, Source source, SourceRowGroups groups, SortColumn sortColumn, Batches batches) {
            this.index = index;
            this.source = source;
            this.groups = groups;
            this.sortColumn = sortColumn;
            this.batches = batches;
        }

        /** Moves to a row, decoding the next row group when this one is done; false at the end. */
        boolean advance() throws IOException {
            return batches != null ? advanceDecoded() : advanceRows();
        }

        /**
         * Moves to the next row of the decoded row group, or decodes the next one (its pages are let go once it
         * is decoded). The rows taken from a row group are written before it is let go.
         */
        private boolean advanceDecoded() throws IOException {
            if (decoded != null && ++row < decoded.rows) {
                readKey();
                return true;
            }
            if (decoded != null) {
                batches.letGo(decoded);
                decoded = null;
            }
            while (decoded == null) {
                if (groups == null || !groups.hasNext()) {
                    closeGroups();
                    return false;
                }
                DecodedRowGroup next = groups.decodeNextIntoArrays(batches.arrays);
                if (next.rows > 0) {
                    decoded = next;
                }
            }
            if (!groups.hasNext()) {
                // parquet-java's reader holds the row group's compressed bytes until it is closed
                closeGroups();
            }
            row = 0;
            readKey();
            return true;
        }

        private void readKey() {
            sortColumn.read(decoded, row, key);
        }

        private void closeGroups() throws IOException {
            if (groups != null) {
                SourceRowGroups ranOut = groups;
                groups = null;
                ranOut.close();
            }
        }

        private boolean advanceRows() throws IOException {
            while (rows == null || !rows.hasRow()) {
                if (rows != null) {
                    rows.close();
                    rows = null;
                }
                if (!groups.hasNext()) {
                    // parquet-java's reader keeps its last row group reachable, closed or not: held for every
                    // input run out, that was hundreds of megabytes in a window of a thousand files
                    closeGroups();
                    return false;
                }
                rows = groups.decodeNext();
            }
            try {
                sortColumn.read(rows, key);
            } catch (RuntimeException e) {
                throw SourceRowGroups.failure(source.footer(), e);
            }
            return true;
        }

        void copyRow(ColumnWriter[] writers) throws IOException {
            try {
                rows.copyRow(writers);
            } catch (RuntimeException e) {
                throw SourceRowGroups.failure(source.footer(), e);
            }
        }
    }
}
