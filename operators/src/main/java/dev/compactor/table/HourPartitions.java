package dev.compactor.table;

import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionData;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The partition of a data file in a table that is unpartitioned or partitioned by hour of timestamp columns, from
 * the file's own statistics. A data file lies in exactly one partition, so a part whose rows span two hours (or mix
 * nulls and values in the column) is refused: registering it under one hour would hide rows from a filtered read.
 */
final class HourPartitions {

    private static final long MICROS_PER_HOUR = ChronoUnit.HOURS.getDuration().toNanos() / 1_000;

    private HourPartitions() {}

    static PartitionData of(PartitionSpec spec, Schema schema, Metrics metrics, String fileKey, String tableName)
            throws TableConflictException {
        PartitionData partition = new PartitionData(spec.partitionType());
        for (int i = 0; i < spec.fields().size(); i++) {
            PartitionField field = spec.fields().get(i);
            String column = schema.findColumnName(field.sourceId());
            Type type = schema.findType(field.sourceId());
            if (!"hour".equals(field.transform().toString()) || type.typeId() != Type.TypeID.TIMESTAMP) {
                throw new TableConflictException("table " + tableName + " is partitioned by " + field.transform()
                        + "(" + column + ") of a " + type + "; the compactor commits into unpartitioned tables and "
                        + "tables partitioned by the hour of a timestamp column only");
            }
            partition.set(i, hourOf(metrics, field.sourceId(), type, column, fileKey, tableName));
        }
        return partition;
    }

    private static Integer hourOf(Metrics metrics, int columnId, Type type, String column, String fileKey,
                                  String tableName) throws TableConflictException {
        Long values = metrics.valueCounts() == null ? null : metrics.valueCounts().get(columnId);
        Long nulls = metrics.nullValueCounts() == null ? null : metrics.nullValueCounts().get(columnId);
        if (values != null && nulls != null && values.equals(nulls)) {
            return null;
        }
        ByteBuffer lower = metrics.lowerBounds() == null ? null : metrics.lowerBounds().get(columnId);
        ByteBuffer upper = metrics.upperBounds() == null ? null : metrics.upperBounds().get(columnId);
        if (nulls == null || lower == null || upper == null) {
            throw new TableConflictException(fileKey + " has no statistics for partition column '" + column
                    + "' of table " + tableName + ", so its hour is unknown");
        }
        if (nulls > 0) {
            throw new TableConflictException(fileKey + " has both null and non-null '" + column + "' values: its rows "
                    + "lie in two partitions of table " + tableName);
        }
        long first = Math.floorDiv((Long) Conversions.fromByteBuffer(type, lower), MICROS_PER_HOUR);
        long last = Math.floorDiv((Long) Conversions.fromByteBuffer(type, upper), MICROS_PER_HOUR);
        if (first != last) {
            throw new TableConflictException(fileKey + " has '" + column + "' values from "
                    + Instant.EPOCH.plus(first, ChronoUnit.HOURS) + " to the hour starting "
                    + Instant.EPOCH.plus(last, ChronoUnit.HOURS) + ": its rows lie in " + (last - first + 1)
                    + " hour partitions of table " + tableName + ", and a data file belongs to one");
        }
        return Math.toIntExact(first);
    }
}
