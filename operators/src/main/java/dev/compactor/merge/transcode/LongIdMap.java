package dev.compactor.merge.transcode;

import java.util.Arrays;

/**
 * Dense ids of 64-bit keys (numbers by their raw bits), in the order keys were first seen, without a boxed key or
 * value per lookup: an output dictionary looks up every value of its column, and a {@code HashMap<Long, Integer>}
 * made that lookup the slowest step of a sorted merge. Open addressing with linear probing, kept at most half full.
 */
final class LongIdMap {

    private static final int EMPTY = -1;

    private long[] keys = new long[64];
    private int[] ids = new int[64];
    private int size;

    LongIdMap() {
        Arrays.fill(ids, EMPTY);
    }

    int size() {
        return size;
    }

    /** The key's id, or -1 when it has none yet. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
            int id = ids[slot];
            if (id == EMPTY || keys[slot] == key) {
                return id;
            }
        }
    }

    /** Gives a key without an id the next one, size(), and returns it. */
    int add(long key) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int id = size++;
        put(key, id);
        return id;
    }

    private void put(long key, int id) {
        int mask = keys.length - 1;
        int slot = slotOf(key, mask);
        while (ids[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ids[slot] = id;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldIds = ids;
        keys = new long[oldKeys.length * 2];
        ids = new int[oldIds.length * 2];
        Arrays.fill(ids, EMPTY);
        for (int slot = 0; slot < oldKeys.length; slot++) {
            if (oldIds[slot] != EMPTY) {
                put(oldKeys[slot], oldIds[slot]);
            }
        }
    }

    /** Spreads keys that differ only in high bits (doubles, timestamps) over the table. */
    private static int slotOf(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
