package dev.compactor.merge;

import java.util.Arrays;

/**
 * Rows picked by a merge, in output order, each named by its decoded row group and its row there. A batch is
 * written column by column ({@link ColumnRowSink#writeRows}): each output column gathers its values from the
 * batch's rows in one loop over arrays, where a row at a time would cost a reader and a writer call per value.
 * The row groups a batch names must stay as they are until it is written.
 */
final class RowBatch {

    final DecodedRowGroup[] from;
    final int[] rows;
    private int size;

    RowBatch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a batch holds at least one row, got " + capacity);
        }
        this.from = new DecodedRowGroup[capacity];
        this.rows = new int[capacity];
    }

    void add(DecodedRowGroup group, int row) {
        from[size] = group;
        rows[size] = row;
        size++;
    }

    int size() {
        return size;
    }

    /** Empties the batch, letting go of the row groups it named. */
    void clear() {
        Arrays.fill(from, 0, size, null);
        size = 0;
    }
}
