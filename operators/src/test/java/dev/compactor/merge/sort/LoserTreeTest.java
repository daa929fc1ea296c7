package dev.compactor.merge.sort;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoserTreeTest {

    /** Sorted runs of random length and keys with many ties; a run that is done sorts after every key. */
    @Test
    void mergesSortedRunsStablyForEverySize() {
        Random random = new Random(7);
        for (int k = 1; k <= 40; k++) {
            long[][] runs = new long[k][];
            List<long[]> expected = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                runs[r] = random.ints(random.nextInt(30), 0, 20).asLongStream().sorted().toArray();
                for (long key : runs[r]) {
                    expected.add(new long[] {key, r});
                }
            }
            // stable: equal keys in run order
            expected.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));

            int[] position = new int[k];
            LoserTree tree = new LoserTree((a, b) -> {
                boolean aDone = position[a] == runs[a].length;
                boolean bDone = position[b] == runs[b].length;
                if (aDone || bDone) {
                    return !aDone || bDone && a < b;
                }
                long x = runs[a][position[a]];
                long y = runs[b][position[b]];
                return x != y ? x < y : a < b;
            });
            tree.rebuild(k);
            List<long[]> merged = new ArrayList<>();
            for (int w = tree.winner(); position[w] < runs[w].length; w = tree.winner()) {
                merged.add(new long[] {runs[w][position[w]], w});
                position[w]++;
                tree.replayWinner();
            }
            assertEquals(expected.stream().map(Arrays::toString).toList(),
                    merged.stream().map(Arrays::toString).toList(), "k=" + k);
        }
    }

    @Test
    void rebuildTakesEntriesAddedLater() {
        long[] keys = {5, 3};
        LoserTree tree = new LoserTree((a, b) -> keys[a] < keys[b]);
        tree.rebuild(1);
        assertEquals(0, tree.winner());
        tree.rebuild(2);
        assertEquals(1, tree.winner());
        keys[1] = 9;
        tree.replayWinner();
        assertEquals(0, tree.winner());
    }

    @Test
    void refusesANegativeSize() {
        LoserTree tree = new LoserTree((a, b) -> a < b);
        assertEquals("a tree of -1 entries",
                assertThrows(IllegalArgumentException.class, () -> tree.rebuild(-1)).getMessage());
    }
}
