package dev.compactor.merge.transcode;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LongIdMapTest {

    /** Keys that collide in low bits (multiples of 2^32, doubles' bits) and random ones, against a HashMap. */
    @Test
    void givesDenseIdsInFirstSeenOrderAcrossGrowth() {
        LongIdMap map = new LongIdMap();
        Map<Long, Integer> expected = new HashMap<>();
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            long key = switch (i % 4) {
                case 0 -> (long) random.nextInt(500) << 32;
                case 1 -> Double.doubleToRawLongBits(random.nextInt(300) / 7.0);
                case 2 -> random.nextLong();
                default -> random.nextInt(100) - 50;
            };
            int id = map.get(key);
            Integer known = expected.get(key);
            assertEquals(known == null ? -1 : known, id, "key " + key);
            if (id < 0) {
                expected.put(key, map.add(key));
                assertEquals(expected.size() - 1, expected.get(key));
            }
        }
        assertEquals(expected.size(), map.size());
        expected.forEach((key, id) -> assertEquals(id, map.get(key)));
    }
}
