package dev.compactor.merge.plan;

import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The columns to write without a dictionary, because the inputs' footers show one would not pay. A merged row
 * group only has more distinct values than any input, and a dictionary that overflows costs a hash lookup per
 * value and then re-encoding everything buffered. A column is written plain when:
 * <ul>
 *   <li>no input wrote a dictionary-encoded page for it (its writers already found the values too varied), or
 *   <li>the inputs' dictionaries are more than half the size the values would take PLAIN: nearly every value in
 *       a file is distinct (ids, timestamps, free text);
 * </ul>
 * unless it is an integer column whose values, across all inputs, lie in a range small enough for one
 * dictionary page and at most half as wide as there are values (a sequence number, a small code): then they
 * repeat across files, whatever each file says.
 */
public final class PlainColumns {

    /** Above this share, dictionaries hold (nearly) one entry per value. */
    private static final double DISTINCT_SHARE = 0.5;
    /** Integer values in a range this wide fit one dictionary page (1 MB of 8-byte values). */
    private static final long DICTIONARY_RANGE = (1L << 20) / 8;

    /** Per dotted column path, what the inputs' footers say about it. */
    private final Map<String, Column> columns;

    private PlainColumns(Map<String, Column> columns) {
        this.columns = columns;
    }

    /** Reads every input chunk's footer entry once. */
    static PlainColumns of(List<InputFooter> inputs) {
        Map<String, Column> columns = new HashMap<>();
        for (InputFooter in : inputs) {
            for (BlockMetaData block : in.rowGroups()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    columns.computeIfAbsent(chunk.getPath().toDotString(), p -> new Column()).add(chunk);
                }
            }
        }
        return new PlainColumns(columns);
    }

    /** Dotted paths of the columns to write without a dictionary. */
    Set<String> plain() {
        return columns.entrySet().stream().filter(e -> e.getValue().plain()).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /**
     * The integer columns whose values, by the inputs' statistics, lie in a range small enough for one dictionary
     * page (the range rule above), by dotted path: an output dictionary can find their ids by offset in the range.
     */
    Map<String, IntegerRange> smallRanges() {
        Map<String, IntegerRange> ranges = new HashMap<>();
        columns.forEach((path, column) -> column.smallRange().ifPresent(r -> ranges.put(path, r)));
        return ranges;
    }

    /** What the footers say about one column, summed over every input chunk. */
    private static final class Column {
        private boolean dictionaryPages;
        private boolean unknownEncodings;
        private long dictionaryBytes;
        /** Bytes the values of dictionary-encoded chunks would take PLAIN; -1 once a chunk cannot tell. */
        private long plainBytes;
        private boolean integer = true;
        private Long min;
        private Long max;
        private long values;

        void add(ColumnChunkMetaData chunk) {
            values += chunk.getValueCount();
            EncodingStats stats = chunk.getEncodingStats();
            // without encoding statistics (DuckDB writes none) the chunk's encodings tell whether it used a
            // dictionary; they cannot when they are not listed at all
            boolean dictionary = stats != null ? stats.hasDictionaryEncodedPages()
                    : chunk.getEncodings().stream().anyMatch(Encoding::usesDictionary);
            if (stats == null && chunk.getEncodings().isEmpty()) {
                unknownEncodings = true;
            } else if (dictionary) {
                dictionaryPages = true;
                dictionaryBytes += dictionaryBytes(chunk);
                long plain = plainBytes(chunk);
                plainBytes = plain < 0 || plainBytes < 0 ? -1 : plainBytes + plain;
            }
            addRange(chunk);
        }

        boolean plain() {
            if (smallRange().isPresent() && max - min < values / 2) {
                return false;
            }
            if (unknownEncodings) {
                return false;
            }
            return !dictionaryPages || (plainBytes > 0 && dictionaryBytes > DISTINCT_SHARE * plainBytes);
        }

        Optional<IntegerRange> smallRange() {
            // a difference that overflows is negative: no small range
            return integer && min != null && max - min >= 0 && max - min < DICTIONARY_RANGE
                    ? Optional.of(new IntegerRange(min, max)) : Optional.empty();
        }

        /** Keeps the integer range; a chunk without statistics, or not of integers, rules the range rule out. */
        private void addRange(ColumnChunkMetaData chunk) {
            PrimitiveTypeName type = chunk.getPrimitiveType().getPrimitiveTypeName();
            Statistics<?> stats = chunk.getStatistics();
            if (!integer || type != PrimitiveTypeName.INT32 && type != PrimitiveTypeName.INT64
                    || stats == null || stats.isEmpty()) {
                integer = false;
                return;
            }
            if (stats.hasNonNullValue()) {
                long lo = ((Number) stats.genericGetMin()).longValue();
                long hi = ((Number) stats.genericGetMax()).longValue();
                min = min == null ? lo : Math.min(min, lo);
                max = max == null ? hi : Math.max(max, hi);
            }
        }
    }

    /** The dictionary page's stored bytes, header included; zero when the chunk has none. */
    private static long dictionaryBytes(ColumnChunkMetaData chunk) {
        long dictionary = chunk.getDictionaryPageOffset();
        long firstData = chunk.getFirstDataPageOffset();
        return chunk.hasDictionaryPage() && dictionary > 0 && firstData > dictionary ? firstData - dictionary : 0;
    }

    /** What the chunk's values would take PLAIN, or -1 when the footer cannot tell (BINARY without sizes). */
    private static long plainBytes(ColumnChunkMetaData chunk) {
        long values = chunk.getValueCount();
        return switch (chunk.getPrimitiveType().getPrimitiveTypeName()) {
            case INT32, FLOAT -> 4 * values;
            case INT64, DOUBLE -> 8 * values;
            case INT96 -> 12 * values;
            case FIXED_LEN_BYTE_ARRAY -> (long) chunk.getPrimitiveType().getTypeLength() * values;
            case BOOLEAN -> -1;
            case BINARY -> {
                SizeStatistics sizes = chunk.getSizeStatistics();
                yield sizes != null && sizes.isValid() && sizes.getUnencodedByteArrayDataBytes().isPresent()
                        ? sizes.getUnencodedByteArrayDataBytes().get() + 4 * values : -1;
            }
        };
    }
}
