package dev.compactor.table;

import dev.compactor.merge.StagedWindow;

import java.io.IOException;

/**
 * The step of a commit that adds a window generation's outputs to a table (Iceberg, Delta), between publishing the
 * parts and writing the manifest. The manifest stays the commit point: a crash after the table commit and before
 * the manifest replays both, so {@link #commit} must recognise a generation it already added.
 */
public interface TableCommitter extends AutoCloseable {

    /** Plain files and our own manifests only: no table. */
    TableCommitter NONE = new TableCommitter() {
        @Override
        public void check(StagedWindow window) {}

        @Override
        public void commit(StagedWindow window) {}
    };

    /**
     * Refuses a generation whose parts cannot go into the table (a column whose type conflicts with the table's,
     * rows of one part in two partitions), before anything is published. Reads each part where it is now, staged or
     * already published by an earlier run.
     */
    void check(StagedWindow window) throws TableConflictException, IOException;

    /** Adds the generation's published parts to the table, unless an earlier run of this commit did. */
    void commit(StagedWindow window) throws IOException;

    @Override
    default void close() throws IOException {}
}
