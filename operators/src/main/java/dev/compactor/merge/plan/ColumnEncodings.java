package dev.compactor.merge.plan;

import dev.compactor.merge.decode.FlatPage;
import dev.compactor.merge.transcode.DictionaryPageTranscoder;
import dev.compactor.merge.transcode.PlainPageTranscoder;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.MessageType;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How an output's columns are encoded, decided once per window from the inputs' footers.
 *
 * @param plain           dotted paths of the columns written without a dictionary ({@link PlainColumns})
 * @param dictionaryPages dotted paths of the dictionary columns whose pages are built by
 *                        {@link DictionaryPageTranscoder}: every input chunk of the column has pages
 *                        {@link FlatPage} reads, in the output's own column type. A column with any other input
 *                        goes through a column writer for the whole window, as two dictionaries cannot share a
 *                        chunk.
 * @param smallRanges     dotted paths of integer columns whose values lie in a range of at most one dictionary
 *                        page's entries ({@link PlainColumns#smallRanges}), with that range
 */
public record ColumnEncodings(Set<String> plain, Set<String> dictionaryPages, Map<String, IntegerRange> smallRanges) {

    public ColumnEncodings {
        plain = Set.copyOf(plain);
        dictionaryPages = Set.copyOf(dictionaryPages);
        smallRanges = Map.copyOf(smallRanges);
    }

    /** Every column in {@code plain} written plain, none through dictionary pages. */
    public static ColumnEncodings plain(Set<String> plain) {
        return new ColumnEncodings(plain, Set.of(), Map.of());
    }

    /** The range of a column's values, or null when it is not known to be small. */
    public IntegerRange smallRange(String path) {
        return smallRanges.get(path);
    }

    public static ColumnEncodings of(List<InputFooter> inputs, MessageType output) {
        PlainColumns footers = PlainColumns.of(inputs);
        Set<String> plain = footers.plain();
        List<ColumnDescriptor> columns = output.getColumns();
        boolean[] flatPages = new boolean[columns.size()];
        Arrays.fill(flatPages, true);
        for (InputFooter in : inputs) {
            // a window with an input that has no mapping is merged by the reference engine
            Optional<ColumnMapping> mapping = ColumnMapping.between(in.parquetSchema(), output);
            if (mapping.isEmpty()) {
                continue;
            }
            for (BlockMetaData block : in.rowGroups()) {
                Map<ColumnPath, ColumnChunkMetaData> chunks = new HashMap<>();
                block.getColumns().forEach(chunk -> chunks.put(chunk.getPath(), chunk));
                for (int c = 0; c < columns.size(); c++) {
                    ColumnDescriptor source = mapping.get().source(c);
                    flatPages[c] = flatPages[c] && source != null && PlainPageTranscoder.accepts(
                            chunks.get(ColumnPath.get(source.getPath())), source, columns.get(c));
                }
            }
        }
        Set<String> dictionaryPages = new HashSet<>();
        for (int c = 0; c < columns.size(); c++) {
            String path = String.join(".", columns.get(c).getPath());
            if (flatPages[c] && !plain.contains(path)) {
                dictionaryPages.add(path);
            }
        }
        return new ColumnEncodings(plain, dictionaryPages, footers.smallRanges());
    }
}
