package dev.compactor.merge;

import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns to write without a dictionary: those no input wrote any dictionary-encoded page for. Their writers
 * already found the values too varied for a dictionary to pay, and a merged row group only has more distinct
 * values; trying one anyway costs a hash map filled and thrown away per column chunk.
 */
final class PlainColumns {

    private PlainColumns() {}

    /** Dotted column paths. A column without encoding statistics counts as dictionary-encoded. */
    static Set<String> of(List<InputFooter> inputs) {
        Set<String> seen = new HashSet<>();
        Set<String> withDictionary = new HashSet<>();
        for (InputFooter in : inputs) {
            for (BlockMetaData block : in.rowGroups()) {
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    String path = chunk.getPath().toDotString();
                    seen.add(path);
                    EncodingStats stats = chunk.getEncodingStats();
                    if (stats == null || stats.hasDictionaryEncodedPages()) {
                        withDictionary.add(path);
                    }
                }
            }
        }
        seen.removeAll(withDictionary);
        return seen;
    }
}
