package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.plan.WindowSchema;
import dev.compactor.merge.reference.ReferenceEngine;
import dev.compactor.merge.reference.SourceRows;
import dev.compactor.merge.sort.SpillDirectory;
import dev.compactor.merge.write.OutputCompressors;
import dev.compactor.merge.write.PageWriteThread;
import dev.compactor.merge.write.PartWriter;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.StoreFailureException;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
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
 * <p>The output carries the inputs' own schema ({@link WindowSchema}): every reader sees the same columns and types
 * in it as in the inputs. Rows are written by the engine the settings name ({@link MergeEngine}): the fast one
 * copies and re-encodes columns and hands the windows it does not handle to the reference engine, built on
 * parquet-java's record API alone. A failure of the fast engine that no input is blamed for (a shape it does not
 * handle), or that it blames on an input for anything but corruption, has the window merged again by the
 * reference engine, which then decides: a limit of the fast path never costs a file. Corruption the fast engine
 * finds (a bad CRC, a page that starts inside a row) quarantines the input at once: parquet-java's record reader
 * reads some such files without complaint, and differently from other readers.
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
        MergeSettings.Engine engine = settings.engine();
        // what the fast engine found wrong with an input: its own words, more precise than parquet-java's
        Map<String, String> fastReasons = new HashMap<>();
        while (true) {
            WindowSchema window = WindowSchema.of(readable);
            Map<String, String> quarantine = new HashMap<>(unreadable);
            window.rejected().forEach(r -> quarantine.put(r.input().key(), r.reason()));
            StagedWindow staged = new StagedWindow(task);
            if (!window.accepted().isEmpty()) {
                try {
                    stage(task, window, staged, engine);
                } catch (RuntimeException e) {
                    if (engine != MergeSettings.Engine.FAST) {
                        throw e;
                    }
                    // a fast path's own failure on a shape it does not handle: the reference engine merges it
                    LOG.warn("the fast engine failed on {}; merging it with the reference engine", task, e);
                    engine = MergeSettings.Engine.REFERENCE;
                    continue;
                } catch (UnreadableInputException e) {
                    if (StoreFailureException.within(e)) {
                        // the store failed to deliver the input, whatever wrapped that on the way: retry, never
                        // quarantine a file for it
                        throw new IOException(e.input().key() + ": the store failed while reading it", e);
                    }
                    if (engine == MergeSettings.Engine.FAST && !e.isCorruption()
                            && !(e.getCause() instanceof NoSuchFileException)) {
                        // the fast engine checks more than it must (page headers, encoding statistics): the
                        // reference engine decides whether the input is bad
                        LOG.warn("the fast engine failed on {} ({}); merging {} with the reference engine",
                                e.input().key(), e.reason(), task);
                        fastReasons.put(e.input().key(), e.reason());
                        engine = MergeSettings.Engine.REFERENCE;
                        continue;
                    }
                    engine = settings.engine();
                    readable.remove(e.input());
                    if (e.getCause() instanceof NoSuchFileException) {
                        missing.add(e.input().key());
                    } else {
                        unreadable.put(e.input().key(), fastReasons.getOrDefault(e.input().key(), e.reason()));
                    }
                    LOG.warn("{}: quarantining it and restarting the merge of {} without it", e.getMessage(), task);
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
                unreadable.put(f.key, InputProblem.describe(e));
            }
        }
        return readable;
    }

    /** Writes the accepted inputs into parts; on any failure no part of this attempt is left behind. */
    private void stage(CompactionTask task, WindowSchema window, StagedWindow staged, MergeSettings.Engine engine)
            throws IOException {
        MessageType schema = window.schema();
        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), ParquetWriter.DEFAULT_PAGE_SIZE);
        OutputCompressors compressors = new OutputCompressors(codec, settings.compressionLevel());
        PageWriteThread pageWriteThread = budget.pageQueueBytes() > 0
                ? new PageWriteThread(budget.pageQueueBytes(), compressors.newCompressor()) : null;
        PartWriter parts = new PartWriter(store, layout, task, schema, window.elements(), window.keyValues(),
                compressors.newCompressor(), budget.outputRowGroupBytes(), settings.rowGroupRows(),
                settings.targetFileSizeBytes(), ColumnEncodings.of(window.accepted(), schema), window.accepted().size(),
                pageWriteThread, budget.hashChunkBytes());
        try (SpillDirectory spill = new SpillDirectory(spillRoot())) {
            BytesInputCompressor runCompressor = codecs.getCompressor(CompressionCodecName.UNCOMPRESSED);
            ReferenceEngine reference = new ReferenceEngine(store, settings, budget, runCompressor);
            MergeEngine chosen = engine == MergeSettings.Engine.REFERENCE ? reference
                    : new FastEngine(store, settings, budget, runCompressor, reference);
            List<InputFooter> inputs = window.accepted();
            chosen.write(inputs, window, parts, spill);
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
