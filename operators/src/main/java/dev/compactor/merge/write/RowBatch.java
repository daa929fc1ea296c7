package dev.compactor.merge.write;

import dev.compactor.merge.decode.DecodedColumn;
import dev.compactor.merge.decode.DecodedRowGroup;

import java.util.Arrays;

/**
 * Rows picked by a merge, in output order, each named by its decoded row group and its row there. A batch is
 * written column by column ({@link ColumnRowSink#writeRows}): each output column gathers its values from the
 * batch's rows in one loop over arrays, where a row at a time would cost a reader and a writer call per value.
 * The row groups a batch names must stay as they are until it is written.
 *
 * <p>Each row group of a batch also has a small index ({@link #groupOf}), the slot of its input in the merge, so
 * that a column's loop finds a row's arrays in a table built once per batch ({@link #columns}, {@link #longs})
 * instead of following row group, column and array references for every value of every column.
 */
public final class RowBatch {

    public final int[] rows;
    /** Each row's row-group index: rows of one row group share it, and no other row group of the batch has it. */
    public final int[] groupOf;
    private DecodedRowGroup[] groups = new DecodedRowGroup[16];
    /** One past the highest row-group index in use. */
    private int groupLimit;
    private int size;
    private DecodedColumn[] columnTable = new DecodedColumn[16];
    private long[][] longTable = new long[16][];

    public RowBatch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a batch holds at least one row, got " + capacity);
        }
        this.rows = new int[capacity];
        this.groupOf = new int[capacity];
    }

    /**
     * Adds a row of a row group known by {@code index} in this batch.
     *
     * @throws IllegalStateException when another row group of the batch has that index
     */
    public void add(DecodedRowGroup group, int row, int index) {
        if (index >= groups.length) {
            groups = Arrays.copyOf(groups, Math.max(index + 1, 2 * groups.length));
        }
        DecodedRowGroup known = groups[index];
        if (known != group) {
            if (known != null) {
                throw new IllegalStateException("two row groups of one batch at index " + index);
            }
            groups[index] = group;
            groupLimit = Math.max(groupLimit, index + 1);
        }
        rows[size] = row;
        groupOf[size] = index;
        size++;
    }

    public int size() {
        return size;
    }

    /** Empties the batch, letting go of the row groups it named. */
    public void clear() {
        Arrays.fill(groups, 0, groupLimit, null);
        groupLimit = 0;
        size = 0;
    }

    /**
     * Column {@code c} of each row group, by row-group index (null at an index no row uses): a row's column is
     * {@code columns(c)[groupOf[row]]}. Valid until the next call.
     */
    public DecodedColumn[] columns(int c) {
        if (columnTable.length < groupLimit) {
            columnTable = new DecodedColumn[groups.length];
        }
        for (int g = 0; g < groupLimit; g++) {
            columnTable[g] = groups[g] == null ? null : groups[g].columns[c];
        }
        return columnTable;
    }

    /**
     * The numbers of column {@code c} of each row group, by row-group index, as {@link #columns} gives columns.
     * Valid until the next call.
     */
    public long[][] longs(int c) {
        if (longTable.length < groupLimit) {
            longTable = new long[groups.length][];
        }
        for (int g = 0; g < groupLimit; g++) {
            longTable[g] = groups[g] == null ? null : groups[g].columns[c].longs;
        }
        return longTable;
    }

    /** True when some row of column {@code c} may be null: then {@link DecodedColumn#isNull} must be asked. */
    public boolean mayHaveNulls(int c) {
        for (int g = 0; g < groupLimit; g++) {
            if (groups[g] != null && groups[g].columns[c].mayHaveNulls()) {
                return true;
            }
        }
        return false;
    }
}
