package dev.compactor.table;

import dev.compactor.store.ObjectStore;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where committed generations go besides the bucket, opened where the commit runs: like the store, a catalog holds
 * clients that do not travel, so the job ships this and opens it on the task manager.
 */
@FunctionalInterface
public interface TableTarget extends Serializable {

    /** Stands for the namespace in a table name pattern ({@code compaction.table-name-pattern}). */
    String NAMESPACE_PLACEHOLDER = "{namespace}";

    /** No table: outputs are plain files listed by our manifests. */
    TableTarget NATIVE = store -> TableCommitter.NONE;

    /** A committer that reads the parts' footers through {@code store}; it does not own the store. */
    TableCommitter open(ObjectStore store) throws IOException;

    /** The table name {@code pattern} gives {@code namespace}: its placeholder replaced, '/' as '_'. */
    static String tableName(String pattern, String namespace) {
        return pattern.replace(NAMESPACE_PLACEHOLDER, namespace.replace('/', '_'));
    }
}
