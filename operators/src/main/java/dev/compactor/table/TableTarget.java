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

    /** No table: outputs are plain files listed by our manifests. */
    TableTarget NATIVE = store -> TableCommitter.NONE;

    /** A committer that reads the parts' footers through {@code store}; it does not own the store. */
    TableCommitter open(ObjectStore store) throws IOException;
}
