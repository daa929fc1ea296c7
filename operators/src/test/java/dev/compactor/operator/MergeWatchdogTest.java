package dev.compactor.operator;

import dev.compactor.store.LocalObjectStore;
import dev.compactor.store.ProgressStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The watchdog judges a merge by the bytes it moves, on a clock the test turns. */
class MergeWatchdogTest {

    private static final long TIMEOUT = 1_000;

    @TempDir
    Path bucket;

    private final AtomicLong clock = new AtomicLong(10_000);
    private final MergeWatchdog watchdog = new MergeWatchdog(TIMEOUT, clock::get);
    private final List<String> heard = new ArrayList<>();

    private MergeWatchdog.Listener recording(String name) {
        return new MergeWatchdog.Listener() {
            @Override
            public void progressed(long bytesMoved) {
                heard.add(name + " moved " + bytesMoved);
            }

            @Override
            public void stalled(long silentMs) {
                heard.add(name + " stalled after " + silentMs);
            }
        };
    }

    @Test
    void aMergeThatKeepsMovingBytesForThreeTimeoutsIsNeverGivenUp() throws Exception {
        ProgressStore store = new ProgressStore(new LocalObjectStore(bucket));
        watchdog.watch(store, recording("slow"));
        for (int round = 1; round <= 12; round++) { // 3 timeouts in rounds of a quarter
            clock.addAndGet(TIMEOUT / 4);
            store.write("_staging/x/p" + round, new byte[10]);
            watchdog.check();
        }
        assertEquals(12, heard.size());
        assertEquals("slow moved 120", heard.get(11));
    }

    @Test
    void aMergeWhoseStoreAnswersCallsButMovesNoByteIsAlive() throws Exception {
        ProgressStore store = new ProgressStore(new LocalObjectStore(bucket));
        watchdog.watch(store, recording("heads"));
        for (int round = 1; round <= 8; round++) {
            clock.addAndGet(TIMEOUT / 2);
            store.head("data/x/" + round + ".parquet"); // answered: absent
            watchdog.check();
        }
        assertEquals("heads moved 0", heard.get(7));
        assertEquals(1, watchdog.watched());
    }

    @Test
    void aMergeThatMovesNoByteForTheTimeoutIsGivenUpOnce() throws Exception {
        ProgressStore store = new ProgressStore(new LocalObjectStore(bucket));
        watchdog.watch(store, recording("hung"));
        clock.addAndGet(TIMEOUT / 2);
        store.write("_staging/x/p0", new byte[3]);
        watchdog.check(); // moved: the silence counts from here
        clock.addAndGet(TIMEOUT - 1);
        watchdog.check();
        assertEquals(List.of("hung moved 3"), heard, "slow is not stuck: one ms short of the timeout");
        clock.addAndGet(1);
        watchdog.check();
        clock.addAndGet(TIMEOUT);
        watchdog.check();
        assertEquals(List.of("hung moved 3", "hung stalled after " + TIMEOUT), heard);
        assertEquals(0, watchdog.watched());
    }

    @Test
    void aFinishedMergeIsNoLongerWatched() throws Exception {
        ProgressStore store = new ProgressStore(new LocalObjectStore(bucket));
        MergeWatchdog.Watched watched = watchdog.watch(store, recording("done"));
        watched.close();
        clock.addAndGet(10 * TIMEOUT);
        watchdog.check();
        assertEquals(List.of(), heard);
    }
}
