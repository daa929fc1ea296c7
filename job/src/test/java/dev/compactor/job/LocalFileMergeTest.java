package dev.compactor.job;

import dev.compactor.merge.MergeSettings;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalFileMergeTest {

    @TempDir
    Path dir;

    @Test
    void mergesLocalFilesIntoOneOutputAndLeavesNothingElseBehind() throws IOException {
        BucketFixture files = new BucketFixture(dir.resolve("in"));
        List<Path> inputs = List.of(
                dir.resolve("in").resolve(files.writeSource("ns", 1000, "w1", 1, 300)),
                dir.resolve("in").resolve(files.writeSource("ns", 1001, "w2", 2, 200)),
                dir.resolve("in").resolve(files.writeSource("ns", 1002, "w3", 3, 100)));
        Path out = dir.resolve("out").resolve("merged.parquet");
        Files.createDirectories(out.getParent());

        LocalFileMerge.Summary summary = new LocalFileMerge(MergeSettings.defaults()).merge(inputs, out);

        assertEquals(600, summary.rows());
        assertEquals(List.of(out), summary.outputs());
        assertEquals(1, summary.rowGroups());
        assertEquals(Files.size(out), summary.bytesOut());
        long in = 0;
        for (Path p : inputs) {
            in += Files.size(p);
        }
        assertEquals(in, summary.bytesIn());
        Map<String, Integer> expected = new HashMap<>();
        files.written.forEach((k, v) -> expected.put(k.substring("ns|".length()), v));
        assertEquals(expected, rows(out));
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(out), left.toList());
        }
    }

    @Test
    void aBadInputFailsTheMergeAndWritesNothing() throws IOException {
        BucketFixture files = new BucketFixture(dir.resolve("in"));
        Path good = dir.resolve("in").resolve(files.writeSource("ns", 1000, "w1", 1, 10));
        Path bad = dir.resolve("bad.parquet");
        Files.writeString(bad, "not parquet");
        Path out = dir.resolve("merged.parquet");

        IOException e = assertThrows(IOException.class,
                () -> new LocalFileMerge(MergeSettings.defaults()).merge(List.of(good, bad), out));

        assertTrue(e.getMessage().contains("bad.parquet"), e.getMessage());
        assertTrue(Files.notExists(out));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count(), "only the input directory and the bad file");
        }
    }

    @Test
    void partsPastTheTargetSizeAreNumbered() {
        assertEquals(Path.of("/x/out-2.parquet"), LocalFileMerge.numbered(Path.of("/x/out.parquet"), 2));
        assertEquals(Path.of("/x/out-0"), LocalFileMerge.numbered(Path.of("/x/out"), 0));
    }

    private static Map<String, Integer> rows(Path file) throws IOException {
        Map<String, Integer> rows = new HashMap<>();
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(
                dev.compactor.store.LocalObjectStore.fileInput(file), new PlainParquetConfiguration())
                .withDataModel(GenericData.get()).build()) {
            for (GenericRecord g = r.read(); g != null; g = r.read()) {
                rows.merge(g.toString(), 1, Integer::sum);
            }
        }
        return rows;
    }
}
