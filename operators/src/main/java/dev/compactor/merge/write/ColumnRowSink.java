package dev.compactor.merge.write;

import org.apache.parquet.column.ColumnWriter;

import java.io.IOException;

/** Where rows copied value by value, or in batches, go: a staging part or a sort run. */
public interface ColumnRowSink {

    /** Writers for the next row, in output column order; valid until {@link #endRow()}. */
    ColumnWriter[] columnWriters() throws IOException;

    void endRow() throws IOException;

    /** True when rows may also come in batches ({@link #writeRows}). */
    boolean writesBatches();

    /** Rows to take, at most, in the next batch: a batch does not run past a row group's row limit. */
    int nextBatchRows(int wanted);

    /** Writes a batch's rows; only when {@link #writesBatches()}. */
    void writeRows(RowBatch batch) throws IOException;
}
