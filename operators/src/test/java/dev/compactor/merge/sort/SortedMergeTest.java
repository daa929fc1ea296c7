package dev.compactor.merge.sort;

import dev.compactor.merge.AvroFiles;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.write.RowGroupFileSink;
import dev.compactor.merge.write.RowGroupFileWriter;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.WrappingInputFile;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SortedMergeTest {

    @TempDir
    Path bucket;
    @TempDir
    Path spillRoot;

    private final CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
    private final Schema avro = WindowFiles.EVENT;
    private final MessageType schema = new AvroSchemaConverter(new PlainParquetConfiguration()).convert(avro);

    @AfterEach
    void release() {
        codecs.release();
    }

    @Test
    void mergesSortedInputsThroughRunsWhenTheyExceedTheReadBudgetAndKeepsTiesInInputOrder() throws IOException {
        LocalObjectStore store = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(store);
        List<GenericRecord> all = new ArrayList<>();
        for (int f = 0; f < 12; f++) {
            // steps of 3 with offsets 0..2 repeat: many equal keys across files
            all.addAll(window.addEvents("w" + f, 400, f % 3, 3));
        }
        all.sort(AvroFiles.orderBy(avro, "ts"));

        SortedMerge merge = mergeWithRoomForThreeInputs(store, window);

        assertTrue(merge.runsWritten() >= 4, "runs: " + merge.runsWritten());
        assertTrue(merge.passes() >= 2, "passes: " + merge.passes());
        assertEquals(WindowFiles.asText(all), WindowFiles.asText(window.readObject("merged.parquet")));
        try (Stream<Path> left = Files.list(spillRoot)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void inputsThatFollowEachOtherInKeyOrderAreOpenedAsTheMergeReachesThemSoNothingSpills() throws IOException {
        LocalObjectStore store = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(store);
        List<GenericRecord> all = new ArrayList<>();
        // file f holds ts f*300 .. f*300+399: each overlaps the next by 100 equal keys; listed out of key order
        for (int f : new int[] {5, 0, 7, 1, 11, 2, 9, 3, 4, 10, 6, 8}) {
            all.addAll(window.addEvents("w" + f, 400, f * 300L, 1));
        }
        all.sort(AvroFiles.orderBy(avro, "ts"));

        // 12 inputs, never more than 2 open at once
        SortedMerge merge = mergeWithRoomForThreeInputs(store, window);

        assertEquals(0, merge.runsWritten());
        assertEquals(1, merge.passes());
        // ties (the 100 shared keys) keep the order the files were listed in
        assertEquals(WindowFiles.asText(all), WindowFiles.asText(window.readObject("merged.parquet")));
    }

    /** On an object store each open is a round trip: files are fetched ahead, in the order the merge opens them. */
    @Test
    void sourceFilesAreFetchedAheadInTheOrderTheMergeOpensThem() throws IOException {
        LocalObjectStore local = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(local);
        List<GenericRecord> all = new ArrayList<>();
        List<String> byFirstKey = new ArrayList<>();
        // listed out of key order; file f starts at f*300
        for (int f : new int[] {2, 0, 3, 1}) {
            all.addAll(window.addEvents("w" + f, 400, f * 300L, 1));
        }
        for (int f = 0; f < 4; f++) {
            int file = f;
            byFirstKey.add(window.task(0).files.stream().filter(s -> s.key.contains("-w" + file)).findFirst()
                    .orElseThrow().key);
        }
        all.sort(AvroFiles.orderBy(avro, "ts"));
        List<String> fetched = new ArrayList<>();
        List<String> openedInPlace = new ArrayList<>();
        ObjectStore store = new ForwardingObjectStore(local) {
            @Override
            public byte[] read(String key) throws IOException {
                synchronized (fetched) {
                    fetched.add(key);
                }
                return super.read(key);
            }

            @Override
            public InputFile inputFile(String key) throws IOException {
                openedInPlace.add(key);
                return super.inputFile(key);
            }
        };

        List<SortedMerge.Source> sources = sources(local, window);
        try (SpillDirectory spill = new SpillDirectory(spillRoot)) {
            long readBudget = 64L << 20;
            SortedMerge merge = newMerge(store, readBudget, readBudget / 4, spill);
            writeTo(bucket.resolve("merged.parquet"), merge, sources);
        }

        assertEquals(WindowFiles.asText(all), WindowFiles.asText(window.readObject("merged.parquet")));
        synchronized (fetched) {
            assertEquals(byFirstKey, fetched);
        }
        assertEquals(List.of(), openedInPlace);
    }

    /** parquet-java's reader holds its last row group until closed: an input that ran out must not wait for the end. */
    @Test
    void inputsAreClosedAsTheyRunOutNotWhenTheMergeEnds() throws IOException {
        LocalObjectStore local = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(local);
        for (int f = 0; f < 12; f++) {
            window.addEvents("w" + f, 400, f * 300L, 1);
        }
        int[] openStreams = new int[2];
        ObjectStore store = new FaultyStore(local, new FaultyStore.Plan() {
            @Override
            public InputFile input(String key, InputFile source) {
                return new WrappingInputFile(source) {
                    @Override
                    protected SeekableInputStream wrap(SeekableInputStream in) {
                        openStreams[1] = Math.max(openStreams[1], ++openStreams[0]);
                        return new DelegatingSeekableInputStream(in) {
                            @Override
                            public long getPos() throws IOException {
                                return in.getPos();
                            }

                            @Override
                            public void seek(long newPos) throws IOException {
                                in.seek(newPos);
                            }

                            @Override
                            public void close() throws IOException {
                                openStreams[0]--;
                                super.close();
                            }
                        };
                    }
                };
            }
        });

        try (SpillDirectory spill = new SpillDirectory(spillRoot)) {
            writeTo(bucket.resolve("merged.parquet"), newMerge(store, 64L << 20, 0, spill), sources(local, window));
        }

        assertEquals(0, openStreams[0], "streams left open");
        // each input overlaps the next by 100 keys: never more than two open at once
        assertTrue(openStreams[1] <= 2, "at most " + openStreams[1] + " inputs were open at once");
    }

    @Test
    void rowsOutOfOrderEndTheMerge() throws IOException {
        LocalObjectStore store = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(store);
        window.addEvents("w0", 100, 0, 1);
        window.addEvents("w1", 100, 1000, -1);

        try (SpillDirectory spill = new SpillDirectory(spillRoot)) {
            SortedMerge merge = newMerge(store, 64L << 20, 0, spill);
            UnsortedInputException e = assertThrows(UnsortedInputException.class,
                    () -> writeTo(bucket.resolve("merged.parquet"), merge, sources(store, window)));
            assertTrue(e.getMessage().contains("w1"), e.getMessage());
        }
    }

    /** Merges the window into merged.parquet with a read budget of three inputs' row groups. */
    private SortedMerge mergeWithRoomForThreeInputs(LocalObjectStore store, WindowFiles window) throws IOException {
        List<SortedMerge.Source> sources = sources(store, window);
        try (SpillDirectory spill = new SpillDirectory(spillRoot)) {
            SortedMerge merge = newMerge(store, 3 * sources.get(0).decodedMemoryBytes(), 0, spill);
            writeTo(bucket.resolve("merged.parquet"), merge, sources);
            return merge;
        }
    }

    private SortedMerge newMerge(ObjectStore store, long readBudget, long prefetch, SpillDirectory spill) {
        SortColumn key = SortColumn.of(schema, "ts").orElseThrow();
        return new SortedMerge(schema, key, store, readBudget, prefetch, 16L << 10,
                codecs.getCompressor(CompressionCodecName.UNCOMPRESSED), spill);
    }

    private List<SortedMerge.Source> sources(LocalObjectStore store, WindowFiles window) throws IOException {
        List<SortedMerge.Source> sources = new ArrayList<>();
        for (SourceFile f : window.task(0).files) {
            InputFooter footer = InputFooter.read(store, f.key, f.size);
            sources.add(SortedMerge.Source.of(footer,
                    ColumnMapping.between(footer.parquetSchema(), schema).orElseThrow()));
        }
        return sources;
    }

    private void writeTo(Path file, SortedMerge merge, List<SortedMerge.Source> sources) throws IOException {
        try (RowGroupFileWriter out = new RowGroupFileWriter(new LocalOutputFile(file), schema, null,
                codecs.getCompressor(CompressionCodecName.SNAPPY), 64 << 10, ColumnEncodings.plain(Set.of()), Map.of(), null)) {
            merge.mergeInto(sources, new RowGroupFileSink(out, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }
}
