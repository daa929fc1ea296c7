package dev.compactor.merge;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.StoreFailureException;
import dev.compactor.store.WrappingInputFile;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store that fails to deliver a healthy file must not get that file quarantined: its rows would be lost. */
class TransientReadFailureTest {

    @TempDir
    Path bucket;

    @Test
    void storeErrorIsRethrownNotQuarantined() throws IOException {
        LocalObjectStore local = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(local);
        window.addEvents("w1", 100, WindowFiles.WINDOW_START, 1);
        String flaky = window.add("w2", WindowFiles.EVENT, window.addEventsRowsOnly("w2", 100), 1L << 20);
        ParquetMerger merger = new ParquetMerger(flakyReads(local, flaky), BucketLayout.defaults(),
                MergeSettings.defaults());

        IOException e = assertThrows(IOException.class, () -> merger.merge(window.task(0)));
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        assertEquals(List.of(), local.list(BucketLayout.STAGING_PREFIX), "no staged part left behind");

        StagedWindow retried = new ParquetMerger(local, BucketLayout.defaults(), MergeSettings.defaults())
                .merge(window.task(1));
        assertTrue(retried.quarantined.isEmpty());
        assertEquals(200, retried.totalRows(), "the retry merges the file the store failed to deliver");
    }

    /**
     * The store fails part way through a file's data (S3 answering 500 after its retries), where parquet-java wraps
     * the error in an unchecked exception of its own: still the store's failure (AwsFaultInjectionIT found healthy
     * files quarantined for it by the reference engine, which every failing fast merge falls back to).
     */
    @Test
    void storeFailureInsideAFilesDataIsRethrownNotQuarantined() throws IOException {
        LocalObjectStore local = new LocalObjectStore(bucket);
        WindowFiles window = new WindowFiles(local);
        window.addEvents("w1", 100, WindowFiles.WINDOW_START, 1);
        String flaky = window.add("w2", WindowFiles.EVENT, window.addEventsRowsOnly("w2", 100), 1L << 20);
        long footerStart = local.head(flaky).orElseThrow().size() - 8;
        FaultyStore store = new FaultyStore(local, new FaultyStore.Plan() {
            @Override
            public InputFile input(String key, InputFile source) {
                if (!key.equals(flaky)) {
                    return source;
                }
                return new WrappingInputFile(source) {
                    @Override
                    protected SeekableInputStream wrap(SeekableInputStream in) {
                        return new DelegatingSeekableInputStream(in) {
                            @Override
                            public long getPos() throws IOException {
                                return in.getPos();
                            }

                            @Override
                            public void seek(long newPos) throws IOException {
                                if (newPos < footerStart / 2) {
                                    // the AWS SDK's exceptions are unchecked: the store's failure carries one
                                    throw new StoreFailureException("S3 get of " + key + " failed: 500",
                                            new IllegalStateException("We encountered an internal error (injected)"));
                                }
                                in.seek(newPos);
                            }
                        };
                    }
                };
            }
        });
        MergeSettings settings = MergeSettings.defaults().withEngine(MergeSettings.Engine.REFERENCE);
        ParquetMerger merger = new ParquetMerger(store, BucketLayout.defaults(), settings);

        IOException e = assertThrows(IOException.class, () -> merger.merge(window.task(0)));
        assertTrue(StoreFailureException.within(e), e.toString());
        assertEquals(List.of(), local.list(BucketLayout.STAGING_PREFIX), "no staged part left behind");
        assertTrue(local.head(flaky).isPresent(), "the file stays where it is");
    }

    /** Reading one key fails the way a dropped connection does. */
    private static FaultyStore flakyReads(LocalObjectStore bucket, String flakyKey) {
        return new FaultyStore(bucket, new FaultyStore.Plan() {
            @Override
            public void before(FaultyStore.Call call) throws IOException {
                if (call.op() == FaultyStore.Op.READ && call.key().equals(flakyKey)) {
                    throw new IOException("connection reset while reading " + flakyKey);
                }
            }
        });
    }
}
