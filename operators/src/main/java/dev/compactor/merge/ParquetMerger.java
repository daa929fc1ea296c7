package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
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
        PartWriter parts = new PartWriter(store, layout, task, schema, codec, budget.outputRowGroupBytes(),
                settings.targetFileSizeBytes());
        try {
            List<StagedWindow.Input> inputs = order.isPresent()
                    ? writeSorted(window, order.get(), parts)
                    : writeInFileOrder(window, parts);
            staged.parts.addAll(parts.finish());
            staged.inputs.addAll(inputs);
        } catch (Throwable e) {
            parts.abort(e);
            throw e;
        }
    }

    /** One input open at a time; rows go straight to the part writer. */
    private List<StagedWindow.Input> writeInFileOrder(WindowSchema window, PartWriter parts) throws IOException {
        List<StagedWindow.Input> inputs = new ArrayList<>();
        for (InputFooter in : window.accepted()) {
            try (SourceRows rows = SourceRows.open(store, in, window.schema())) {
                for (GenericRecord row = rows.next(); row != null; row = rows.next()) {
                    parts.write(row);
                }
                inputs.add(new StagedWindow.Input(in.key(), in.size(), rows.rowsRead()));
            }
        }
        return inputs;
    }

    private List<StagedWindow.Input> writeSorted(WindowSchema window, RowOrder order, PartWriter parts)
            throws IOException {
        Schema schema = window.schema();
        long rowBytes = MergeBudget.rowHeapBytes(window.accepted(), schema.getFields().size());
        int bufferRows = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, budget.sortBufferBytes() / rowBytes));
        List<StagedWindow.Input> inputs = new ArrayList<>();
        try (ExternalSort sort = new ExternalSort(schema, order, bufferRows, budget.runRowGroupBytes(),
                budget.fanIn(), spillRoot())) {
            for (InputFooter in : window.accepted()) {
                try (SourceRows rows = SourceRows.open(store, in, schema)) {
                    for (GenericRecord row = rows.next(); row != null; row = rows.next()) {
                        sort.add(row);
                    }
                    inputs.add(new StagedWindow.Input(in.key(), in.size(), rows.rowsRead()));
                }
            }
            sort.drainTo(parts::write);
            LOG.info("sorted {} inputs with {} rows per run: {} runs spilled, {} merge passes", inputs.size(),
                    bufferRows, sort.spilledRuns(), sort.mergePasses());
        }
        return inputs;
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
