package dev.compactor.merge;

import org.apache.parquet.column.ColumnWriter;

import java.io.IOException;

/** Where rows copied value by value go: a staging part or a sort run. */
interface ColumnRowSink {

    /** Writers for the next row, in output column order; valid until {@link #endRow()}. */
    ColumnWriter[] columnWriters() throws IOException;

    void endRow() throws IOException;
}
