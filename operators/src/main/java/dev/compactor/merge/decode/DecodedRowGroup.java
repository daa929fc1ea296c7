package dev.compactor.merge.decode;

import dev.compactor.merge.read.RowGroupRows;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

import java.io.IOException;

/** Every output column of one input row group, decoded ({@link DecodedColumn}), in output column order. */
public final class DecodedRowGroup {

    public final int rows;
    public final DecodedColumn[] columns;

    private DecodedRowGroup(int rows, DecodedColumn[] columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /**
     * Decodes every row of a row group none of whose rows was read yet, into arrays from {@code arrays}; its
     * pages may be closed after.
     */
    public static DecodedRowGroup of(RowGroupRows in, DecodedArrays arrays) throws IOException {
        DecodedColumn[] columns = new DecodedColumn[in.columnCount()];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = in.decodeColumn(c, arrays);
        }
        return new DecodedRowGroup(Math.toIntExact(in.rowCount()), columns);
    }

    /** What decoding a row group holds, at most ({@link DecodedColumn#bytesFor}). */
    public static long bytesFor(BlockMetaData block) {
        long total = 0;
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            total += DecodedColumn.bytesFor(chunk);
        }
        return total;
    }
}
