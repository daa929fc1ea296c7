package dev.compactor.merge;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.MessageType;

import java.util.HashSet;
import java.util.List;
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
 */
record ColumnEncodings(Set<String> plain, Set<String> dictionaryPages) {

    ColumnEncodings {
        plain = Set.copyOf(plain);
        dictionaryPages = Set.copyOf(dictionaryPages);
    }

    /** Every column in {@code plain} written plain, none through dictionary pages. */
    static ColumnEncodings plain(Set<String> plain) {
        return new ColumnEncodings(plain, Set.of());
    }

    static ColumnEncodings of(List<InputFooter> inputs, MessageType output) {
        Set<String> plain = PlainColumns.of(inputs);
        Set<String> dictionaryPages = new HashSet<>();
        for (ColumnDescriptor column : output.getColumns()) {
            String path = String.join(".", column.getPath());
            if (!plain.contains(path) && everyChunkReadsAsFlatPages(inputs, output, column)) {
                dictionaryPages.add(path);
            }
        }
        return new ColumnEncodings(plain, dictionaryPages);
    }

    private static boolean everyChunkReadsAsFlatPages(List<InputFooter> inputs, MessageType output,
                                                      ColumnDescriptor column) {
        for (InputFooter in : inputs) {
            Optional<ColumnMapping> mapping = ColumnMapping.between(in.parquetSchema(), output);
            if (mapping.isEmpty()) {
                continue;
            }
            int c = output.getColumns().indexOf(column);
            ColumnDescriptor source = mapping.get().source(c);
            for (BlockMetaData block : in.rowGroups()) {
                ColumnChunkMetaData chunk = block.getColumns().stream()
                        .filter(k -> source != null && k.getPath().equals(ColumnPath.get(source.getPath())))
                        .findFirst().orElse(null);
                if (!PlainPageTranscoder.accepts(chunk, source, column)) {
                    return false;
                }
            }
        }
        return true;
    }
}
