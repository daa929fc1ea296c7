package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Merges the files of one window generation into staging parts near the target size, in file order or sorted
 * by the sort column, with memory bounded by the settings whatever the window's size.
 *
 * <p>Rows take the cheapest way that keeps them exact. In file order, a large row group of an input in exactly the
 * output's schema is copied as bytes; other row groups are decoded and re-encoded value by value, column by column
 * ({@link RowGroupRows}), and coalesced into row groups of the configured size. Sorted, inputs that are each in
 * sort order are streamed through a k-way merge ({@link SortedMerge}); otherwise the window goes through the
 * external sort. Only inputs whose Parquet layout differs from the output's (written by other tools) are read as
 * Avro records.
 *
 * <p>It writes only the staging parts of the task's attempt. Output bytes depend only on the task's files and
 * the settings, never on the attempt or the time, so a retry and a late first attempt stage identical parts.
 *
 * <p>Bad inputs are set aside, never dropped: a file whose footer cannot be read, or whose column types
 * conflict with the window's, is quarantined before anything is written. A file that fails later, while its
 * rows are read, may already have rows in a part (or in a sort run) mixed with other files' rows. Rather
 * than track which rows came from where, the attempt's parts are deleted and the merge starts again without
 * that file. This costs a second pass only in the rare case of a file with a valid footer and broken pages, and
 * it stages exactly what a merge that had quarantined the file up front would stage, keeping outputs
 * deterministic.
 */
public final class ParquetMerger {

    private static final Logger LOG = LoggerFactory.getLogger(ParquetMerger.class);

    private final ObjectStore store;
    private final BucketLayout layout;
    private final MergeSettings settings;
    private final CompressionCodecName codec;
    private final MergeBudget budget;

    public ParquetMerger(ObjectStore store, BucketLayout layout, MergeSettings settings) {
        if (store == null || layout == null || settings == null) {
            throw new IllegalArgumentException("a merger needs a store, a layout and settings, got store=" + store
                    + ", layout=" + layout + ", settings=" + settings);
        }
        this.store = store;
        this.layout = layout;
        this.settings = settings;
        this.codec = codecNamed(settings.compression());
        this.budget = MergeBudget.of(settings);
    }

    public StagedWindow merge(CompactionTask task) throws IOException {
        if (task == null) {
            throw new IllegalArgumentException("task must not be null");
        }
        Map<String, String> unreadable = new HashMap<>();
        Set<String> missing = new HashSet<>();
        Map<String, Long> sizes = new HashMap<>();
        List<InputFooter> readable = readFooters(task, unreadable, missing, sizes);
        while (true) {
            WindowSchema window = WindowSchema.of(readable);
            Map<String, String> quarantine = new HashMap<>(unreadable);
            window.rejected().forEach(r -> quarantine.put(r.input().key(), r.reason()));
            StagedWindow staged = new StagedWindow(task);
            if (!window.accepted().isEmpty()) {
                try {
                    stage(task, window, staged);
                } catch (UnreadableInputException e) {
                    readable.remove(e.input());
                    if (e.getCause() instanceof NoSuchFileException) {
                        missing.add(e.input().key());
                    } else {
                        unreadable.put(e.input().key(), reasonOf(e.getCause()));
                    }
                    LOG.warn("{}: restarting the merge of {} without {}", e.getMessage(), task, e.input().key());
                    continue;
                }
            }
            for (SourceFile f : task.files) {
                String reason = quarantine.get(f.key);
                if (reason != null) {
                    staged.quarantined.add(new StagedWindow.Quarantined(f.key, sizes.get(f.key), reason));
                } else if (missing.contains(f.key)) {
                    staged.missing.add(f.key);
                }
            }
            return staged;
        }
    }

    /** The reason an operator reads: the exception's message, and its root cause's when that says more. */
    static String reasonOf(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return message;
    }

    private List<InputFooter> readFooters(CompactionTask task, Map<String, String> unreadable, Set<String> missing,
                                          Map<String, Long> sizes) throws IOException {
        List<InputFooter> readable = new ArrayList<>();
        for (SourceFile f : task.files) {
            Optional<ObjectInfo> head = store.head(f.key);
            if (head.isEmpty()) {
                missing.add(f.key);
                continue;
            }
            sizes.put(f.key, head.get().size());
            try {
                readable.add(InputFooter.read(store, f.key, head.get().size()));
            } catch (NoSuchFileException e) {
                missing.add(f.key);
            } catch (IOException | RuntimeException e) {
                if (!SourceRows.isFormatError(e)) {
                    throw e instanceof IOException io ? io : new IOException(e);
                }
                unreadable.put(f.key, reasonOf(e));
            }
        }
        return readable;
    }

    /** Writes the accepted inputs into parts; on any failure no part of this attempt is left behind. */
    private void stage(CompactionTask task, WindowSchema window, StagedWindow staged) throws IOException {
        Schema schema = window.schema();
        Optional<RowOrder> order = settings.sortColumnIfSet().map(c -> RowOrder.by(schema, c));
        MessageType parquetSchema = new AvroSchemaConverter(new PlainParquetConfiguration()).convert(schema);
        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), ParquetWriter.DEFAULT_PAGE_SIZE);
        OutputCompressors compressors = new OutputCompressors(codec, settings.compressionLevel());
        PageWriteThread pageWriteThread = budget.pageQueueBytes() > 0
                ? new PageWriteThread(budget.pageQueueBytes(), compressors.newCompressor()) : null;
        PartWriter parts = new PartWriter(store, layout, task, schema, parquetSchema, compressors.newCompressor(),
                budget.outputRowGroupBytes(), settings.rowGroupRows(), settings.targetFileSizeBytes(),
                ColumnEncodings.of(window.accepted(), parquetSchema), window.accepted().size(), pageWriteThread,
                budget.hashChunkBytes());
        try (SpillDirectory spill = new SpillDirectory(spillRoot())) {
            List<InputFooter> inputs = window.accepted();
            if (order.isEmpty()) {
                writeInFileOrder(inputs, schema, parquetSchema, parts);
            } else {
                writeSorted(inputs, schema, parquetSchema, order.get(), parts, codecs, spill);
            }
            staged.parts.addAll(parts.finish());
            LOG.info("staged {} parts with {} row groups for {}", staged.parts.size(), parts.rowGroups(), task);
            for (InputFooter in : inputs) {
                staged.inputs.add(new StagedWindow.Input(in.key(), in.size(), in.rowCount()));
            }
        } catch (Throwable e) {
            parts.abort(e);
            throw e;
        } finally {
            if (pageWriteThread != null) {
                pageWriteThread.close();
            }
            compressors.close();
            codecs.release();
        }
    }

    /**
     * The hybrid path: large row groups of inputs in the output's schema are copied as bytes, everything else
     * is re-encoded into row groups of the configured size. Rows keep file order, so a copied row group ends the
     * row group being encoded before it.
     */
    private void writeInFileOrder(List<InputFooter> inputs, Schema schema, MessageType parquetSchema, PartWriter parts)
            throws IOException {
        long[] copiedAndReencoded = new long[2];
        List<InputPrefetch.Input> reads = new ArrayList<>();
        for (InputFooter in : inputs) {
            ColumnMapping mapping = ColumnMapping.between(in.parquetSchema(), parquetSchema).orElse(null);
            boolean decodesFirst = mapping != null && !in.rowGroups().isEmpty()
                    && !copies(mapping, in.rowGroups().get(0));
            reads.add(new InputPrefetch.Input(in, mapping,
                    decodesFirst ? InputPrefetch.FirstRowGroup.DECODED : InputPrefetch.FirstRowGroup.FETCHED));
        }
        try (InputPrefetch prefetch = new InputPrefetch(store, reads, budget.readBytes() / 2)) {
            for (int i = 0; i < inputs.size(); i++) {
                InputFooter in = inputs.get(i);
                if (reads.get(i).mapping() == null) {
                    writeThroughAvro(prefetch.open(i), in, schema, parts);
                } else {
                    try (SourceRowGroups groups = prefetch.openRowGroups(i)) {
                        writeInFileOrder(groups, in, reads.get(i).mapping(), parts, copiedAndReencoded);
                    }
                }
            }
        }
        LOG.info("merged {} inputs in file order: {} row groups copied as bytes, {} rows re-encoded",
                inputs.size(), copiedAndReencoded[0], copiedAndReencoded[1]);
    }

    private void writeInFileOrder(SourceRowGroups groups, InputFooter in, ColumnMapping mapping, PartWriter parts,
                                  long[] copiedAndReencoded) throws IOException {
        while (groups.hasNext()) {
            if (copies(mapping, groups.peek())) {
                groups.copyNext(parts);
                copiedAndReencoded[0]++;
            } else {
                try (RowGroupRows rows = groups.decodeNext()) {
                    copiedAndReencoded[1] += parts.writesColumns() ? copyColumns(in, rows, parts)
                            : copyRows(in, rows, parts);
                }
            }
        }
    }

    /** True when a row group is copied as bytes: large, and in exactly the output's schema. */
    private boolean copies(ColumnMapping mapping, BlockMetaData block) {
        return mapping.identical() && settings.copies(block.getCompressedSize(), block.getRowCount());
    }

    private static long copyColumns(InputFooter in, RowGroupRows rows, PartWriter parts) throws IOException {
        parts.appendColumns(rows, in);
        return rows.rowCount();
    }

    private static long copyRows(InputFooter in, RowGroupRows rows, PartWriter parts) throws IOException {
        long n = 0;
        while (rows.hasRow()) {
            // outside the try: a part that cannot be opened is the output's failure, not the input's
            ColumnWriter[] writers = parts.columnWriters();
            try {
                rows.copyRow(writers);
            } catch (RuntimeException e) {
                throw new UnreadableInputException(in, e);
            }
            parts.endRow();
            n++;
        }
        return n;
    }

    /** For an input whose Parquet layout differs from the output's: parquet-avro converts it row by row. */
    private static void writeThroughAvro(InputFile file, InputFooter in, Schema schema, PartWriter parts)
            throws IOException {
        try (SourceRows rows = SourceRows.open(file, in, schema)) {
            for (GenericRecord row = rows.next(); row != null; row = rows.next()) {
                parts.write(row);
            }
        }
    }

    /**
     * Streams a k-way merge when every input can be read column-wise and its statistics do not rule out being
     * sorted; falls back to the external sort when that is not possible or an input turns out unsorted.
     */
    private void writeSorted(List<InputFooter> inputs, Schema schema, MessageType parquetSchema, RowOrder order,
                             PartWriter parts, CodecFactory codecs, SpillDirectory spill) throws IOException {
        String column = settings.sortColumn();
        Optional<SortColumn> key = SortColumn.of(schema, parquetSchema, column);
        List<SortedMerge.Source> sources = new ArrayList<>();
        String why = key.isEmpty() ? "its type is compared through Avro" : null;
        for (InputFooter in : inputs) {
            if (why != null) {
                break;
            }
            Optional<ColumnMapping> mapping = ColumnMapping.between(in.parquetSchema(), parquetSchema);
            if (mapping.isEmpty()) {
                why = in.key() + " cannot be read column by column";
            } else if (!key.get().rowGroupsMayBeSorted(in.rowGroups())) {
                why = in.key() + " has row groups out of order";
            } else {
                sources.add(SortedMerge.Source.of(in, mapping.get()));
            }
        }
        if (why == null) {
            SortedMerge merge = new SortedMerge(schema, parquetSchema, key.get(), store, budget.readBytes(),
                    budget.readBytes() / 4,
                    budget.runRowGroupBytes(), codecs.getCompressor(CompressionCodecName.UNCOMPRESSED), spill);
            try {
                merge.mergeInto(sources, parts);
                LOG.info("merged {} sorted inputs by {}: {} runs spilled, {} passes, {}", sources.size(), column,
                        merge.runsWritten(), merge.passes(),
                        merge.batched() ? "rows in batches" : "rows copied value by value");
                return;
            } catch (UnsortedInputException e) {
                why = e.getMessage();
                parts.abort(e);
            }
        }
        LOG.info("sorting {} inputs by {} through an external sort: {}", inputs.size(), column, why);
        sortExternally(inputs, schema, order, parts);
    }

    private void sortExternally(List<InputFooter> inputs, Schema schema, RowOrder order, PartWriter parts)
            throws IOException {
        long rowBytes = MergeBudget.rowHeapBytes(inputs, schema.getFields().size());
        int bufferRows = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, budget.readBytes() / rowBytes));
        try (ExternalSort sort = new ExternalSort(schema, order, bufferRows, budget.runRowGroupBytes(),
                budget.fanIn(), spillRoot())) {
            for (InputFooter in : inputs) {
                try (SourceRows rows = SourceRows.open(store, in, schema)) {
                    for (GenericRecord row = rows.next(); row != null; row = rows.next()) {
                        sort.add(row);
                    }
                }
            }
            sort.drainTo(parts::write);
            LOG.info("sorted {} inputs with {} rows per run: {} runs spilled, {} merge passes", inputs.size(),
                    bufferRows, sort.spilledRuns(), sort.mergePasses());
        }
    }

    private Path spillRoot() {
        String dir = settings.spillDirectory();
        return Path.of(dir.isEmpty() ? System.getProperty("java.io.tmpdir") : dir);
    }

    private static CompressionCodecName codecNamed(String name) {
        try {
            return CompressionCodecName.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compression '" + name + "'; use one of "
                    + Arrays.stream(CompressionCodecName.values()).map(Enum::name).collect(Collectors.joining(", ")), e);
        }
    }
}
