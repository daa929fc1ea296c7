package dev.compactor.table;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Delta table's latest version with Delta Kernel's own scan and its default Parquet reader (under our
 * Parquet and Hadoop versions): the rows as column → value, top-level primitive columns only.
 */
public final class DeltaTableReader {

    private DeltaTableReader() {}

    public static List<Map<String, Object>> rows(DeltaTarget target, String namespace) throws IOException {
        Engine engine = target.engine();
        Snapshot snapshot = Table.forPath(engine, target.tableLocation(namespace)).getLatestSnapshot(engine);
        Scan scan = snapshot.getScanBuilder().build();
        Row scanState = scan.getScanState(engine);
        StructType readSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
                    while (scanFiles.hasNext()) {
                        Row scanFile = scanFiles.next();
                        FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
                        CloseableIterator<ColumnarBatch> physical = engine.getParquetHandler().readParquetFiles(
                                Utils.singletonCloseableIterator(file), readSchema, Optional.empty());
                        try (CloseableIterator<FilteredColumnarBatch> logical =
                                     Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
                            while (logical.hasNext()) {
                                try (CloseableIterator<Row> batch = logical.next().getRows()) {
                                    batch.forEachRemaining(row -> rows.add(values(row)));
                                }
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static Map<String, Object> values(Row row) {
        Map<String, Object> values = new HashMap<>();
        StructType schema = row.getSchema();
        for (int i = 0; i < schema.length(); i++) {
            values.put(schema.at(i).getName(), row.isNullAt(i) ? null : value(row, i, schema.at(i).getDataType()));
        }
        return values;
    }

    private static Object value(Row row, int i, DataType type) {
        if (type instanceof StringType) {
            return row.getString(i);
        } else if (type instanceof LongType || type instanceof TimestampType) {
            return row.getLong(i);
        } else if (type instanceof IntegerType) {
            return row.getInt(i);
        } else if (type instanceof DoubleType) {
            return row.getDouble(i);
        } else if (type instanceof BooleanType) {
            return row.getBoolean(i);
        }
        throw new IllegalArgumentException("no reading of " + type + " here");
    }
}
