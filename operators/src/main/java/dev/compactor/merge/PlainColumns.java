package dev.compactor.merge;

import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns to write without a dictionary, because the inputs show that one would not pay: either no input
 * wrote a dictionary-encoded page for the column, or the inputs' dictionaries take most of the column's bytes,
 * which means nearly every value in a file was distinct. A merged row group only has more distinct values than
 * any one input; trying a dictionary anyway costs a hash lookup per value, then re-encoding everything buffered
 * when the dictionary overflows.
 */
final class PlainColumns {

    /** Above this share of a column's bytes, dictionaries hold (nearly) one entry per value. */
    private static final double DISTINCT_DICTIONARY_SHARE = 0.5;

    private PlainColumns() {}

    /** Dotted column paths. A column without encoding statistics counts as dictionary-encoded. */
    static Set<String> of(List<InputFooter> inputs) {
        Set<String> seen = new HashSet<>();
        Set<String> withDictionary = new HashSet<>();
        Map<String, long[]> dictionaryAndTotalBytes = new HashMap<>();
        for (InputFooter in : inputs) {
            for (BlockMetaData block : in.rowGroups()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    String path = chunk.getPath().toDotString();
                    seen.add(path);
                    EncodingStats stats = chunk.getEncodingStats();
                    if (stats == null || stats.hasDictionaryEncodedPages()) {
                        withDictionary.add(path);
                    }
                    long[] bytes = dictionaryAndTotalBytes.computeIfAbsent(path, p -> new long[2]);
                    bytes[0] += dictionaryBytes(chunk);
                    bytes[1] += chunk.getTotalSize();
                }
            }
        }
        Set<String> plain = new HashSet<>(seen);
        for (String path : withDictionary) {
            long[] bytes = dictionaryAndTotalBytes.get(path);
            if (bytes[0] <= DISTINCT_DICTIONARY_SHARE * bytes[1]) {
                plain.remove(path);
            }
        }
        return plain;
    }

    /** The dictionary page's stored bytes, header included; zero when the chunk has none. */
    private static long dictionaryBytes(ColumnChunkMetaData chunk) {
        long dictionary = chunk.getDictionaryPageOffset();
        long firstData = chunk.getFirstDataPageOffset();
        return chunk.hasDictionaryPage() && dictionary > 0 && firstData > dictionary ? firstData - dictionary : 0;
    }
}
