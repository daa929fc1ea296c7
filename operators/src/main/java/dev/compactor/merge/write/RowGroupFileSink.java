package dev.compactor.merge.write;

import org.apache.parquet.column.ColumnWriter;

import java.io.IOException;

/** Rows into one file, whose row groups end at a size or a row count: a sort run. */
public class RowGroupFileSink implements ColumnRowSink {

    private final RowGroupFileWriter out;
    private final long rowGroupBytes;
    private final long rowGroupRows;

    public RowGroupFileSink(RowGroupFileWriter out, long rowGroupBytes, long rowGroupRows) {
        if (out == null || rowGroupBytes < 1 || rowGroupRows < 1) {
            throw new IllegalArgumentException("a sink needs a file, and row groups of at least a byte and a row, got "
                    + out + ", " + rowGroupBytes + " bytes and " + rowGroupRows + " rows");
        }
        this.out = out;
        this.rowGroupBytes = rowGroupBytes;
        this.rowGroupRows = rowGroupRows;
    }

    @Override
    public ColumnWriter[] columnWriters() throws IOException {
        return out.columnWriters();
    }

    @Override
    public void endRow() throws IOException {
        out.endRow();
        endRowGroupWhenFull();
    }

    @Override
    public boolean writesBatches() {
        return out.writesBatches();
    }

    /** Up to the row group's row limit, and about its size at the bytes a row took so far. */
    @Override
    public int nextBatchRows(int wanted) {
        long open = out.openRows();
        long rows = rowGroupRows - open;
        long buffered = out.bufferedBytes();
        if (open > 0 && buffered > 0) {
            rows = Math.min(rows, (rowGroupBytes - buffered) * open / buffered + 1);
        }
        return (int) Math.max(1, Math.min(wanted, rows));
    }

    @Override
    public void writeRows(RowBatch batch) throws IOException {
        out.writeRows(batch);
        endRowGroupWhenFull();
    }

    private void endRowGroupWhenFull() throws IOException {
        if (out.bufferedBytes() >= rowGroupBytes || out.openRows() >= rowGroupRows) {
            out.endRowGroup();
        }
    }
}
