package dev.compactor.merge;

import org.apache.parquet.column.ColumnWriter;

/**
 * A column writer that copies the bytes of every value it keeps (in a page, a dictionary, statistics), so it may be
 * handed values that point into an input's pages or dictionary without pinning them, and without the defensive
 * copy per value that parquet-java's writers need.
 */
interface CopyingColumnWriter extends ColumnWriter {}
