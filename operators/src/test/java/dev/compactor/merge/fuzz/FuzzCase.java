package dev.compactor.merge.fuzz;

import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.SourceFile;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One window, all of it drawn from a seed: a schema, 2 to 4 input files of it (one may lack an optional column,
 * or declare a required one optional), each written with its own settings, how the window is merged, and for
 * odd seeds a column to sort by. The same seed always gives the same files, byte for byte.
 */
final class FuzzCase {

    private static final String NAMESPACE = "ns1";
    private static final long WINDOW_START = 1_700_000_000_000L - 1_700_000_000_000L % 3_600_000L;

    /** One input file before it is written. */
    record Input(String writer, MessageType schema, WriterSettings settings, List<Group> rows) {}

    final long seed;
    final List<Input> inputs;
    /** All inputs spell their annotations as converted types only, as older writers do. */
    final boolean legacyFooters;
    /** A top-level primitive column that is not repeated, for odd seeds; null when the case is merged unsorted only. */
    final String sortColumn;
    /** The merge's knobs; the sort column and engine are set per merge. */
    final MergeSettings merge;

    private FuzzCase(long seed, List<Input> inputs, boolean legacyFooters, String sortColumn, MergeSettings merge) {
        this.seed = seed;
        this.inputs = inputs;
        this.legacyFooters = legacyFooters;
        this.sortColumn = sortColumn;
        this.merge = merge;
    }

    static FuzzCase generate(long seed) {
        Random random = new Random(seed);
        MessageType schema = RandomSchema.generate(random);
        int files = 2 + random.nextInt(3);
        List<MessageType> schemas = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            schemas.add(schema);
        }
        if (random.nextInt(3) == 0) {
            int file = random.nextInt(files);
            schemas.set(file, withoutOneOptionalColumn(schemas.get(file), random));
        }
        if (random.nextInt(4) == 0) {
            int file = random.nextInt(files);
            schemas.set(file, withOneColumnOptional(schemas.get(file), random));
        }
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            RandomValues values = new RandomValues(random);
            int rowCount = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(200);
            List<Group> rows = new ArrayList<>(rowCount);
            for (int r = 0; r < rowCount; r++) {
                rows.add(values.row(schemas.get(i)));
            }
            inputs.add(new Input("w" + i, schemas.get(i), WriterSettings.random(random), rows));
        }
        boolean legacy = random.nextInt(4) == 0;
        String sortColumn = Math.floorMod(seed, 2) == 1 ? sortableColumn(schema, random) : null;
        return new FuzzCase(seed, List.copyOf(inputs), legacy, sortColumn, mergeSettings(random));
    }

    /**
     * The merge's own knobs, so that the fast engine both copies row groups and re-encodes them, into row groups
     * and parts of every size. A row group per row (and a part per row group) is the costliest shape by far, so
     * only one case in ten has it: the default run must stay near two minutes.
     */
    private static MergeSettings mergeSettings(Random random) {
        long[] copyBytes = {0, 2048, Long.MAX_VALUE};
        long[] copyRows = {0, 50, Long.MAX_VALUE};
        long[] groupRows = {7, 100, MergeSettings.DEFAULT_ROW_GROUP_ROWS};
        String[] codecs = {"ZSTD", "SNAPPY", "GZIP", "UNCOMPRESSED"};
        return new MergeSettings(random.nextInt(3) == 0 ? 1024 : 128L << 20, null,
                random.nextBoolean() ? MergeSettings.MIN_MERGE_MEMORY : 64L << 20, codecs[random.nextInt(codecs.length)],
                "", random.nextBoolean() ? 1024 : MergeSettings.DEFAULT_ROW_GROUP_SIZE,
                copyBytes[random.nextInt(copyBytes.length)],
                random.nextInt(10) == 0 ? 1 : groupRows[random.nextInt(groupRows.length)],
                copyRows[random.nextInt(copyRows.length)], 1 + random.nextInt(2), MergeSettings.DEFAULT_COMPRESSION_LEVEL);
    }

    MergeSettings settings(String sortBy, MergeSettings.Engine engine, String spillDirectory) {
        MergeSettings m = merge;
        return new MergeSettings(m.targetFileSizeBytes(), sortBy, m.mergeMemoryBytes(), m.compression(),
                spillDirectory, m.rowGroupSizeBytes(), m.copyRowGroupBytes(), m.rowGroupRows(), m.copyRowGroupRows(),
                m.threads(), m.compressionLevel(), engine);
    }

    private static MessageType withoutOneOptionalColumn(MessageType schema, Random random) {
        List<Type> candidates = schema.getFields().stream().filter(f -> f.isRepetition(Repetition.OPTIONAL)).toList();
        if (candidates.isEmpty() || schema.getFieldCount() < 2) {
            return schema;
        }
        Type dropped = candidates.get(random.nextInt(candidates.size()));
        return new MessageType(schema.getName(), schema.getFields().stream().filter(f -> f != dropped).toList());
    }

    private static MessageType withOneColumnOptional(MessageType schema, Random random) {
        List<Type> required = schema.getFields().stream().filter(f -> f.isRepetition(Repetition.REQUIRED)).toList();
        if (required.isEmpty()) {
            return schema;
        }
        Type relaxed = required.get(random.nextInt(required.size()));
        return new MessageType(schema.getName(),
                schema.getFields().stream().map(f -> f == relaxed ? UnionSchema.optional(f) : f).toList());
    }

    private static String sortableColumn(MessageType schema, Random random) {
        List<Type> candidates = schema.getFields().stream()
                .filter(f -> f.isPrimitive() && !f.isRepetition(Repetition.REPEATED)).toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size())).getName();
    }

    /** Writes the inputs into the bucket under the names writers use, in file order. */
    List<SourceFile> write(UnsyncedLocalStore store) throws IOException {
        List<SourceFile> files = new ArrayList<>();
        for (int seq = 0; seq < inputs.size(); seq++) {
            Input in = inputs.get(seq);
            long fileTime = WINDOW_START + 1000L * seq;
            String key = "data/" + NAMESPACE + "/" + fileTime / 1000 + "-" + in.writer() + "-" + seq + ".parquet";
            try (ParquetWriter<Group> w = in.settings().open(store.outputFile(key), in.schema())) {
                for (Group row : in.rows()) {
                    w.write(row);
                }
            }
            if (legacyFooters) {
                Path file = store.pathOf(key);
                Files.write(file, LegacyFooter.strip(Files.readAllBytes(file)));
            }
            long size = store.head(key).orElseThrow().size();
            files.add(new SourceFile(key, size, "etag-" + seq, in.writer(), seq, fileTime));
        }
        return files;
    }

    /** The window's task; each merge of a case is its own attempt, so that their staged parts stay apart. */
    static CompactionTask task(List<SourceFile> files, int attempt) {
        return new CompactionTask(NAMESPACE, WINDOW_START, WINDOW_START + 3_600_000L, 0, attempt, files);
    }

    /** What a failure report needs to make sense of the case without rerunning it. */
    String describe() {
        StringBuilder s = new StringBuilder();
        s.append("legacy footers: ").append(legacyFooters).append(", sort column: ").append(sortColumn)
                .append("\nmerge: ").append(merge).append('\n');
        for (Input in : inputs) {
            s.append(in.writer()).append(": ").append(in.rows().size()).append(" rows, ").append(in.settings())
                    .append('\n').append(in.schema());
        }
        return s.toString();
    }
}
