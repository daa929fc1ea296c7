package dev.compactor.operator;

import dev.compactor.commit.StagedWindowCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.MergeSettings;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.OutputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.compactor.operator.AsyncMergeCalls.invoke;
import static dev.compactor.operator.AsyncMergeCalls.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AsyncMerge against what changes in the bucket while it merges. It merges only the version of each input that the
 * tracker froze: an input written again before the merge is left to the next generation, one written again while the
 * merge read it fails the try so that it is retried. Another attempt's commit of the same generation meanwhile leaves
 * nothing of this attempt in staging.
 */
class AsyncMergeConcurrentChangesTest {

    private static final String NS = "orders";
    /** 2025-01-01T10:00:00Z */
    private static final long WINDOW_START = 1_735_725_600_000L;
    private static final int ROWS = 5;
    private static final Schema SCHEMA = SchemaBuilder.record("Order").fields()
            .requiredLong("id").requiredString("payload").endRecord();
    private static final BucketLayout LAYOUT = BucketLayout.defaults();

    @TempDir
    Path bucket;
    @TempDir
    Path spill;

    private LocalObjectStore store;
    private AsyncMerge merge;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (merge != null) {
            merge.close();
        }
    }

    @Test
    void anInputWrittenAgainBeforeTheMergeIsLeftToTheNextGeneration() throws Exception {
        CompactionTask task = frozenTask(3);
        String rewritten = task.files.get(1).key;
        writeSource(rewritten, 100, ROWS + 2); // the writer flushes the same name again before the merge starts
        start(store);

        StagedWindow staged = single(invoke(merge, task).get(30, TimeUnit.SECONDS));

        assertEquals(List.of(task.files.get(0).key, task.files.get(2).key),
                staged.inputs.stream().map(i -> i.key).sorted().toList(), "the new version is not merged here");
        assertEquals(2L * ROWS, staged.totalRows());
        Map<String, String> merged = markerETags(task);
        assertEquals(Map.of(task.files.get(0).key, task.files.get(0).eTag, task.files.get(2).key,
                task.files.get(2).eTag), merged, "the marker names the versions merged, for the commit's deletes");
        assertEquals(ROWS + 2L, rowsOf(rewritten), "the new version stays for the next generation");
    }

    @Test
    void anInputWrittenAgainWhileTheMergeReadsItFailsTheTryAndTheRetryLeavesIt() throws Exception {
        CompactionTask task = frozenTask(3);
        String rewritten = task.files.get(1).key;
        start(new RewriteOnHeadAfterStaging(store, rewritten));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> invoke(merge, task).get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause(), "a store error: Flink's async retry runs it again");
        assertTrue(failed.getCause().getMessage().contains(rewritten), failed.getCause().getMessage());
        assertFalse(store.head(LAYOUT.stagedMarkerKey(NS, WINDOW_START, 0, 0)).isPresent(),
                "no marker: this try's mix of versions is never committed");

        StagedWindow retried = single(invoke(merge, task).get(30, TimeUnit.SECONDS));
        assertEquals(List.of(task.files.get(0).key, task.files.get(2).key),
                retried.inputs.stream().map(i -> i.key).sorted().toList());
        assertEquals(2L * ROWS, retried.totalRows());
        assertFalse(markerETags(task).containsKey(rewritten));
        assertEquals(ROWS + 7L, rowsOf(rewritten), "the new version stays for the next generation");
    }

    /**
     * Another attempt of the generation commits just before this one writes its marker: the commit wrote the manifest
     * and cleared the staging it listed, which did not hold the marker yet. This attempt must clear what it wrote.
     */
    @Test
    void anotherAttemptsCommitWhileThisOneWritesItsMarkerLeavesNoStagingBehind() throws Exception {
        CompactionTask task = frozenTask(3);
        String marker = LAYOUT.stagedMarkerKey(NS, WINDOW_START, 0, 0);
        String stagingPrefix = LAYOUT.stagingGenerationPrefix(NS, WINDOW_START, 0);
        AtomicBoolean committed = new AtomicBoolean();
        start(new FaultyStore(store, new FaultyStore.Plan() {
            @Override
            public void before(FaultyStore.Call call) throws IOException {
                if (call.is(FaultyStore.Op.WRITE, marker) && committed.compareAndSet(false, true)) {
                    store.write(LAYOUT.manifestKey(NS, WINDOW_START, 0), "{}".getBytes(StandardCharsets.UTF_8));
                    for (ObjectInfo staged : store.list(stagingPrefix)) {
                        store.delete(staged.key());
                    }
                }
            }
        }));

        StagedWindow result = single(invoke(merge, task).get(30, TimeUnit.SECONDS));

        assertTrue(committed.get(), "the other commit ran");
        assertEquals(List.of(), result.parts, "nothing of this attempt goes to the commit");
        assertEquals(List.of(), store.list(stagingPrefix), "no staging object outlives the generation's commit");
    }

    /**
     * The store, where the writer flushes {@code key} again once the merge has read the footers and writes its
     * output: at the next head of that key, which is AsyncMerge's check after the merge.
     */
    private final class RewriteOnHeadAfterStaging extends ForwardingObjectStore {
        private final String key;
        private boolean staging;
        private boolean done;

        RewriteOnHeadAfterStaging(ObjectStore delegate, String key) {
            super(delegate);
            this.key = key;
        }

        @Override
        public OutputFile outputFile(String k) throws IOException {
            staging |= k.startsWith(BucketLayout.STAGING_PREFIX);
            return super.outputFile(k);
        }

        @Override
        public Optional<ObjectInfo> head(String k) throws IOException {
            if (k.equals(key) && staging && !done) {
                done = true;
                writeSource(key, 100, ROWS + 7);
            }
            return super.head(k);
        }
    }

    private void start(ObjectStore merging) throws Exception {
        MergeSettings settings = new MergeSettings(1L << 20, null, 8L << 20, "SNAPPY", spill.toString());
        merge = new AsyncMerge(() -> merging, LAYOUT, settings, 1, 3, 60_000);
        merge.setRuntimeContext(new MockStreamingRuntimeContext(false, 1, 0));
        merge.open(DefaultOpenContext.INSTANCE);
    }

    /** Generation 0, attempt 0 of a window of {@code count} sources, each frozen with the eTag it has now. */
    private CompactionTask frozenTask(int count) throws IOException {
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long fileTime = WINDOW_START + i * 1_000L;
            String key = LAYOUT.dataPrefix() + NS + "/" + fileTime / 1000 + "-w1-" + i + ".parquet";
            writeSource(key, i * ROWS, ROWS);
            ObjectInfo head = store.head(key).orElseThrow();
            files.add(new SourceFile(key, head.size(), head.eTag(), "w1", i, fileTime));
        }
        return new CompactionTask(NS, WINDOW_START, WINDOW_START + 3_600_000L, 0, 0, files);
    }

    private Map<String, String> markerETags(CompactionTask task) throws IOException {
        return StagedWindowCodec.inputETagsOfMarker(
                store.read(LAYOUT.stagedMarkerKey(NS, WINDOW_START, task.generation, task.attempt)));
    }

    private void writeSource(String key, long firstId, int rows) throws IOException {
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(SCHEMA).withConf(new PlainParquetConfiguration()).withDataModel(GenericData.get())
                .build()) {
            for (int i = 0; i < rows; i++) {
                GenericRecord r = new GenericData.Record(SCHEMA);
                r.put("id", firstId + i);
                r.put("payload", "row-" + (firstId + i));
                w.write(r);
            }
        }
    }

    private long rowsOf(String key) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(store.inputFile(key))) {
            return reader.getRecordCount();
        }
    }
}
