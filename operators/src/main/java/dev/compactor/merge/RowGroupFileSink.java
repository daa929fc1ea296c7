package dev.compactor.merge;

import org.apache.parquet.column.ColumnWriter;

import java.io.IOException;

/** Rows into one file, whose row groups end at a size or a row count: a sort run. */
class RowGroupFileSink implements ColumnRowSink {

    private final RowGroupFileWriter out;
    private final long rowGroupBytes;
    private final long rowGroupRows;

    RowGroupFileSink(RowGroupFileWriter out, long rowGroupBytes, long rowGroupRows) {
        if (rowGroupBytes < 1 || rowGroupRows < 1) {
            throw new IllegalArgumentException("row groups need at least a byte and a row, got " + rowGroupBytes
                    + " bytes and " + rowGroupRows + " rows");
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

    @Override
    public int nextBatchRows(int wanted) {
        return (int) Math.max(1, Math.min(wanted, rowGroupRows - out.openRows()));
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
