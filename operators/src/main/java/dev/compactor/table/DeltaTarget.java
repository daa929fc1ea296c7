package dev.compactor.table;

import dev.compactor.store.ObjectStore;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.util.Objects;

/**
 * One Delta Lake table per namespace, at {@code tableRoot + table name}; the table's log is written by Delta Kernel
 * through Hadoop's file system, the parts stay where they are published and are added by their full location.
 *
 * @param tableRoot        the URI under which each namespace's table directory lies, ending in '/'
 *                         ({@code file:/bucket/_delta/} by default)
 * @param tableNamePattern the table's directory name; {@value TableTarget#NAMESPACE_PLACEHOLDER} stands for our
 *                         namespace, '/' as '_'
 * @param bucketLocation   the URI the bucket's keys are relative to, ending in '/': data files are added by their
 *                         full location (they lie outside the table's directory)
 */
public record DeltaTarget(String tableRoot, String tableNamePattern, String bucketLocation) implements TableTarget {
    private static final long serialVersionUID = 1L;

    public DeltaTarget {
        Objects.requireNonNull(tableRoot, "tableRoot");
        Objects.requireNonNull(tableNamePattern, "tableNamePattern");
        Objects.requireNonNull(bucketLocation, "bucketLocation");
        if (!tableRoot.endsWith("/") || !bucketLocation.endsWith("/")) {
            throw new IllegalArgumentException("table root and bucket location must end in '/': " + tableRoot + ", "
                    + bucketLocation);
        }
    }

    /** The table (directory) name of {@code namespace}. */
    public String tableOf(String namespace) {
        return TableTarget.tableName(tableNamePattern, namespace);
    }

    /** Where the table of {@code namespace} lies. */
    public String tableLocation(String namespace) {
        return tableRoot + tableOf(namespace);
    }

    /** Where a reader finds the object under {@code key}. */
    public String locationOf(String key) {
        return bucketLocation + key;
    }

    /** Kernel's default engine over Hadoop's file system. */
    public Engine engine() {
        return WithOwnClassLoader.run(() -> {
            Engine engine = DefaultEngine.create(new Configuration());
            try {
                // the file system (and Hadoop's shutdown hook thread) starts here, under our loader
                engine.getFileSystemClient().resolvePath(tableRoot);
            } catch (IOException e) {
                throw new IllegalStateException("cannot resolve the Delta table root " + tableRoot + ": " + e, e);
            }
            return engine;
        });
    }

    @Override
    public TableCommitter open(ObjectStore store) throws IOException {
        return new DeltaTableCommitter(engine(), store, this);
    }
}
