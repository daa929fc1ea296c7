package dev.compactor.table;

import io.delta.kernel.Scan;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.Table;
import io.delta.kernel.utils.CloseableIterator;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/** The data files of each namespace's Delta table, in its latest version, as Kernel's scan lists them. */
public final class DeltaTableFiles implements TableFiles {

    private final DeltaTarget target;
    private final Engine engine;

    public DeltaTableFiles(DeltaTarget target) {
        this.target = target;
        this.engine = target.engine();
    }

    @Override
    public String tableName(String namespace) {
        return target.tableLocation(namespace);
    }

    @Override
    public Map<String, Integer> of(String namespace) throws IOException {
        Map<String, Integer> files = new TreeMap<>();
        Scan scan;
        try {
            scan = Table.forPath(engine, target.tableLocation(namespace)).getLatestSnapshot(engine)
                    .getScanBuilder().build();
        } catch (TableNotFoundException e) {
            return files;
        }
        // one URI form for both: Hadoop writes file:/dir, Path.toUri file:///dir
        String bucket = URI.create(target.bucketLocation()).getPath();
        try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (CloseableIterator<Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        URI file = new org.apache.hadoop.fs.Path(
                                InternalScanFileUtils.getAddFileStatus(rows.next()).getPath()).toUri();
                        String path = "file".equals(file.getScheme()) ? file.getPath() : file.toString();
                        String key = path.startsWith(bucket) ? path.substring(bucket.length()) : path;
                        files.merge(key, 1, Integer::sum);
                    }
                }
            }
        }
        return files;
    }

    @Override
    public void close() {}
}
