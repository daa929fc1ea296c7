package dev.compactor.job;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.ParquetMerger;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Merges local Parquet files into one output (or several, when they exceed the target size) with the job's own
 * {@link ParquetMerger}, without Flink. The merger works on a bucket, so it gets a private scratch bucket next to
 * the output in which each input answers under a source key ({@link GivenInputs}; not a symbolic link, which the
 * bucket refuses to follow); the parts it stages there are renamed to the output's name, and the scratch bucket is
 * removed. Inputs keep the order given.
 */
public final class LocalFileMerge {

    private static final String NAMESPACE = "merge";
    private static final long WINDOW_START = 0;

    private final MergeSettings settings;

    public LocalFileMerge(MergeSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
    }

    /** What a merge read and wrote. */
    public record Summary(long rows, long bytesIn, long bytesOut, int rowGroups, List<Path> outputs) {}

    /**
     * @throws IOException when an input is missing or cannot be merged (nothing is written then), or on I/O errors
     */
    public Summary merge(List<Path> inputs, Path out) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: give at least one input file");
        }
        Path target = out.toAbsolutePath();
        Path scratch = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".merge-");
        try {
            LocalObjectStore bucket = new LocalObjectStore(scratch);
            Map<String, Path> given = new HashMap<>();
            List<SourceFile> files = new ArrayList<>();
            long bytesIn = 0;
            for (int i = 0; i < inputs.size(); i++) {
                Path input = inputs.get(i).toAbsolutePath();
                if (!Files.isRegularFile(input)) {
                    throw new IOException("input " + inputs.get(i) + " is not a file");
                }
                String key = "data/" + NAMESPACE + "/" + i + "-cli-" + i + ".parquet";
                given.put(key, input);
                long size = Files.size(input);
                bytesIn += size;
                // file time = argument position, so file order is the order given
                files.add(new SourceFile(key, size, "", "cli", i, i));
            }
            CompactionTask task = new CompactionTask(NAMESPACE, WINDOW_START, WINDOW_START + 1, 0, 0, files);
            StagedWindow staged = new ParquetMerger(new GivenInputs(bucket, given), BucketLayout.defaults(), settings).merge(task);
            requireEverythingMerged(staged, inputs);
            return publish(staged, bucket, target, bytesIn);
        } finally {
            deleteTree(scratch);
        }
    }

    private static void requireEverythingMerged(StagedWindow staged, List<Path> inputs) throws IOException {
        List<String> problems = new ArrayList<>();
        for (StagedWindow.Quarantined q : staged.quarantined) {
            problems.add(inputOf(q.key, inputs) + ": " + q.reason);
        }
        for (String key : staged.missing) {
            problems.add(inputOf(key, inputs) + ": disappeared during the merge");
        }
        if (!problems.isEmpty()) {
            throw new IOException("cannot merge " + problems.size() + " input(s), nothing written:"
                    + System.lineSeparator() + String.join(System.lineSeparator(), problems));
        }
    }

    private static Summary publish(StagedWindow staged, LocalObjectStore bucket, Path target, long bytesIn)
            throws IOException {
        List<Path> outputs = new ArrayList<>();
        long bytesOut = 0;
        int rowGroups = 0;
        for (int p = 0; p < staged.parts.size(); p++) {
            StagedWindow.Part part = staged.parts.get(p);
            Path from = bucket.pathOf(part.stagingKey);
            Path to = staged.parts.size() == 1 ? target : numbered(target, p);
            try (ParquetFileReader reader = ParquetFileReader.open(LocalObjectStore.fileInput(from),
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
                rowGroups += reader.getRowGroups().size();
            }
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            outputs.add(to);
            bytesOut += part.sizeBytes;
        }
        return new Summary(staged.totalRows(), bytesIn, bytesOut, rowGroups, List.copyOf(outputs));
    }

    /** The scratch bucket, in which the merge's source keys read the files given on the command line. */
    private static final class GivenInputs extends ForwardingObjectStore {
        private final Map<String, Path> inputs;

        GivenInputs(LocalObjectStore scratch, Map<String, Path> inputs) {
            super(scratch);
            this.inputs = inputs;
        }

        @Override
        public Optional<ObjectInfo> head(String key) throws IOException {
            Path input = inputs.get(key);
            if (input == null) {
                return super.head(key);
            }
            BasicFileAttributes attrs = Files.readAttributes(input, BasicFileAttributes.class);
            return Optional.of(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toMillis(), ""));
        }

        @Override
        public InputFile inputFile(String key) throws IOException {
            Path input = inputs.get(key);
            return input == null ? super.inputFile(key) : LocalObjectStore.fileInput(input);
        }

        @Override
        public byte[] read(String key) throws IOException {
            Path input = inputs.get(key);
            return input == null ? super.read(key) : Files.readAllBytes(input);
        }
    }

    /** out.parquet → out-0.parquet, out-1.parquet, … */
    static Path numbered(Path target, int part) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + part + name.substring(dot) : name + "-" + part;
        return target.resolveSibling(numbered);
    }

    private static String inputOf(String key, List<Path> inputs) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return inputs.get(Integer.parseInt(name.substring(0, name.indexOf('-')))).toString();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
