package dev.compactor.table;

import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The data files of each namespace's Iceberg table, in its current snapshot. */
public final class IcebergTableFiles implements TableFiles {

    private final IcebergTarget target;
    private final Catalog catalog;

    public IcebergTableFiles(IcebergTarget target) {
        this.target = target;
        this.catalog = target.catalog();
    }

    /** The table of {@code namespace}, as {@code catalog.database.table}. */
    @Override
    public String tableName(String namespace) {
        return target.tableOf(namespace).toString();
    }

    @Override
    public Map<String, Integer> of(String namespace) throws IOException {
        TableIdentifier id = target.tableOf(namespace);
        Map<String, Integer> files = new TreeMap<>();
        if (!catalog.tableExists(id)) {
            return files;
        }
        Table table = catalog.loadTable(id);
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                String location = task.file().location();
                String key = location.startsWith(target.bucketLocation())
                        ? location.substring(target.bucketLocation().length()) : location;
                files.merge(key, 1, Integer::sum);
            }
        }
        return files;
    }

    @Override
    public void close() throws IOException {
        if (catalog instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
