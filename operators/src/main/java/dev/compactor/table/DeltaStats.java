package dev.compactor.table;

import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A part's Delta file statistics (numRecords, minValues, maxValues, nullCount) from its Parquet footer, as Kernel's
 * own Parquet writer derives them from the footers it writes, but for files Kernel did not write: no data is read.
 * A column gets bounds only when every row group has statistics for it; timestamps in milliseconds are converted to
 * Delta's microseconds.
 */
final class DeltaStats {

    private DeltaStats() {}

    /** @param statsColumns the columns the table keeps statistics for (its first 32 leaves by default) */
    static DataFileStatistics of(ParquetMetadata footer, StructType tableSchema, List<Column> statsColumns) {
        long rows = 0;
        Map<Column, Statistics<?>> merged = new HashMap<>();
        Map<Column, Boolean> invalid = new HashMap<>();
        for (BlockMetaData block : footer.getBlocks()) {
            rows += block.getRowCount();
            for (ColumnChunkMetaData chunk : block.getColumns()) {
                Column column = new Column(chunk.getPath().toArray());
                Statistics<?> stats = chunk.getStatistics();
                boolean bad = stats == null || stats.isEmpty() || !stats.isNumNullsSet()
                        || (!stats.hasNonNullValue() && stats.getNumNulls() != chunk.getValueCount());
                if (bad || invalid.containsKey(column)) {
                    invalid.put(column, true);
                    merged.remove(column);
                    continue;
                }
                Statistics<?> sum = merged.get(column);
                if (sum == null) {
                    // a copy: merging into the footer's own statistics would change the footer
                    sum = Statistics.createStats(stats.type());
                    merged.put(column, sum);
                }
                sum.mergeStatistics(stats);
            }
        }
        Map<Column, Literal> min = new HashMap<>();
        Map<Column, Literal> max = new HashMap<>();
        Map<Column, Long> nulls = new HashMap<>();
        for (Column column : statsColumns) {
            Statistics<?> stats = merged.get(column);
            DataType type = typeOf(tableSchema, column);
            if (stats == null || type == null || !supported(type)) {
                continue;
            }
            nulls.put(column, stats.getNumNulls());
            if (stats.getNumNulls() == rows) {
                min.put(column, Literal.ofNull(type));
                max.put(column, Literal.ofNull(type));
                continue;
            }
            Literal low = bound(type, stats, true);
            Literal high = bound(type, stats, false);
            if (low != null && high != null) {
                min.put(column, low);
                max.put(column, high);
            }
        }
        return new DataFileStatistics(rows, min, max, nulls);
    }

    /** The table's type of a column nested in structs only; null under a list or map (Delta keeps no stats there). */
    private static DataType typeOf(StructType schema, Column column) {
        DataType type = schema;
        for (String name : column.getNames()) {
            if (!(type instanceof StructType struct)) {
                return null;
            }
            StructField field = struct.fields().stream().filter(f -> f.getName().equals(name)).findFirst()
                    .orElse(null);
            if (field == null) {
                return null;
            }
            type = field.getDataType();
        }
        return type;
    }

    private static boolean supported(DataType type) {
        return type instanceof BooleanType || type instanceof ByteType || type instanceof ShortType
                || type instanceof IntegerType || type instanceof LongType || type instanceof FloatType
                || type instanceof DoubleType || type instanceof DecimalType || type instanceof DateType
                || type instanceof TimestampType || type instanceof TimestampNTZType || type instanceof StringType
                || type instanceof BinaryType;
    }

    /** The column's lower or upper bound as the table's type; null when the footer's value cannot be one. */
    private static Literal bound(DataType type, Statistics<?> stats, boolean lower) {
        Object value = lower ? stats.genericGetMin() : stats.genericGetMax();
        PrimitiveType parquet = stats.type();
        LogicalTypeAnnotation logical = parquet.getLogicalTypeAnnotation();
        if (value == null) {
            return null;
        }
        if (type instanceof BooleanType) {
            return Literal.ofBoolean((Boolean) value);
        } else if (type instanceof ByteType) {
            return Literal.ofByte(((Number) value).byteValue());
        } else if (type instanceof ShortType) {
            return Literal.ofShort(((Number) value).shortValue());
        } else if (type instanceof IntegerType) {
            return Literal.ofInt(((Number) value).intValue());
        } else if (type instanceof LongType) {
            return Literal.ofLong(((Number) value).longValue());
        } else if (type instanceof FloatType) {
            return Literal.ofFloat(((Number) value).floatValue());
        } else if (type instanceof DoubleType) {
            return Literal.ofDouble(((Number) value).doubleValue());
        } else if (type instanceof DateType && stats instanceof IntStatistics) {
            return Literal.ofDate((Integer) value);
        } else if ((type instanceof TimestampType || type instanceof TimestampNTZType)
                && stats instanceof LongStatistics
                && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
            long micros = switch (ts.getUnit()) {
                case MILLIS -> Math.multiplyExact((Long) value, 1_000L);
                case MICROS -> (Long) value;
                case NANOS -> throw new IllegalStateException("nanosecond timestamps are refused before the commit");
            };
            return type instanceof TimestampType ? Literal.ofTimestamp(micros) : Literal.ofTimestampNtz(micros);
        } else if (type instanceof DecimalType decimal
                && logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation annotation
                && annotation.getScale() == decimal.getScale()) {
            BigDecimal number;
            if (stats instanceof IntStatistics) {
                number = BigDecimal.valueOf((Integer) value, decimal.getScale());
            } else if (stats instanceof LongStatistics) {
                number = BigDecimal.valueOf((Long) value, decimal.getScale());
            } else {
                number = new BigDecimal(new BigInteger(bytes(stats, lower)), decimal.getScale());
            }
            return Literal.ofDecimal(number, decimal.getPrecision(), decimal.getScale());
        } else if (type instanceof StringType && stats instanceof BinaryStatistics) {
            return Literal.ofString(new String(bytes(stats, lower), StandardCharsets.UTF_8));
        } else if (type instanceof BinaryType) {
            return Literal.ofBinary(bytes(stats, lower));
        }
        return null;
    }

    private static byte[] bytes(Statistics<?> stats, boolean lower) {
        byte[] bytes = lower ? stats.getMinBytes() : stats.getMaxBytes();
        return Arrays.copyOf(bytes, bytes.length);
    }
}
