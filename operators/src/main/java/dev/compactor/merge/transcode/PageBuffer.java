package dev.compactor.merge.transcode;

import dev.compactor.merge.decode.FlatPage;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The levels and statistics of an output page gathered from several input pages of one flat column. Input pages
 * of small files are small; gathering them into pages near the configured size keeps page indexes short and
 * gives the codec enough bytes to find repetition across files (a sequence number repeating per file compresses
 * about four times better in 1 MB pages than in 8 KB ones).
 */
final class PageBuffer {

    private final ColumnDescriptor column;
    private final int maxDefinition;
    private boolean[] defined = new boolean[1024];
    private int levels;
    private int present;
    private Statistics<?> stats;
    private long binaryBytes;

    PageBuffer(ColumnDescriptor column) {
        this.column = column;
        this.maxDefinition = column.getMaxDefinitionLevel();
    }

    /** Takes an input page's levels and its values' statistics (and BINARY bytes). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void add(FlatPage page, Statistics<?> pageStats, long pageBinaryBytes) {
        if (maxDefinition > 0) {
            if (levels + page.valueCount > defined.length) {
                defined = Arrays.copyOf(defined, Math.max(levels + page.valueCount, defined.length * 2));
            }
            for (int i = 0; i < page.valueCount; i++) {
                defined[levels + i] = page.isDefined(i);
            }
        }
        levels += page.valueCount;
        present += page.present;
        if (stats == null) {
            stats = pageStats;
        } else {
            ((Statistics) stats).mergeStatistics(pageStats);
        }
        binaryBytes += pageBinaryBytes;
    }

    /** Takes one row's level, for a page written value by value; its statistics come from {@link #statistics()}. */
    void addRow(boolean isDefined) {
        if (maxDefinition > 0) {
            if (levels == defined.length) {
                defined = Arrays.copyOf(defined, defined.length * 2);
            }
            defined[levels] = isDefined;
        }
        levels++;
        present += isDefined ? 1 : 0;
    }

    /** Takes {@code count} rows that all have a value, as {@link #addRow} would one at a time. */
    void addDefinedRows(int count) {
        if (maxDefinition > 0) {
            if (levels + count > defined.length) {
                defined = Arrays.copyOf(defined, Math.max(levels + count, defined.length * 2));
            }
            Arrays.fill(defined, levels, levels + count, true);
        }
        levels += count;
        present += count;
    }

    /** The statistics of the pending page, for values added one by one. */
    Statistics<?> statistics() {
        if (stats == null) {
            stats = Statistics.createStats(column.getPrimitiveType());
        }
        return stats;
    }

    void addBinaryBytes(long bytes) {
        binaryBytes += bytes;
    }

    boolean isEmpty() {
        return levels == 0;
    }

    /** Writes the page, its levels followed by {@code values}, and starts an empty one. */
    void writeTo(PageWriter writer, BytesInput values, Encoding encoding) throws IOException {
        List<Long> definitions = maxDefinition == 0 ? List.of((long) levels)
                : List.of((long) (levels - present), (long) present);
        writer.writePage(BytesInput.concat(definitionLevels(), values), levels, levels, stats,
                new SizeStatistics(column.getPrimitiveType(), binaryBytes, List.of((long) levels), definitions),
                Encoding.BIT_PACKED, maxDefinition > 0 ? Encoding.RLE : Encoding.BIT_PACKED, encoding);
        levels = 0;
        present = 0;
        stats = null;
        binaryBytes = 0;
    }

    /** V1 definition levels: RLE, after their length as a 4-byte little-endian int; none for a required column. */
    private BytesInput definitionLevels() throws IOException {
        if (maxDefinition == 0) {
            return BytesInput.empty();
        }
        try (RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(1, 1024, 1 << 20,
                new HeapByteBufferAllocator())) {
            for (int i = 0; i < levels; i++) {
                encoder.writeInt(defined[i] ? 1 : 0);
            }
            BytesInput rle = BytesInput.copy(encoder.toBytes());
            return BytesInput.concat(BytesInput.fromInt((int) rle.size()), rle);
        }
    }
}
