package dev.compactor.merge.write;

import dev.compactor.merge.read.ParquetFiles;
import dev.compactor.store.InMemoryInputFile;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.ParquetFileReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ZSTD costs on a file's pages, column by column, at each level asked for: every V1 data page of the file is
 * decompressed, then compressed again by {@link ZstdPageCompressor} on one thread, three rounds per level. Shows
 * what {@code compaction.compression-level} would save on one's own data (point it at a compacted part).
 *
 * <p>Usage (from the repository root, after {@code mvn -pl operators test-compile}):
 * {@code java -cp operators/target/test-classes:operators/target/classes:CLASSPATH
 * dev.compactor.merge.write.PageCompressionBenchmark FILE [LEVEL...]} (levels 1 and 3 by default).
 */
public final class PageCompressionBenchmark {

    private PageCompressionBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int[] levels = args.length > 1 ? new int[args.length - 1] : new int[] {1, 3};
        for (int i = 1; i < args.length; i++) {
            levels[i - 1] = Integer.parseInt(args[i]);
        }
        Map<String, List<byte[]>> pages = pagesByColumn(file);
        for (int round = 0; round < 3; round++) {
            for (int level : levels) {
                ZstdPageCompressor zstd = new ZstdPageCompressor(level);
                StringBuilder line = new StringBuilder("level " + level + ":");
                double total = 0;
                for (Map.Entry<String, List<byte[]>> column : pages.entrySet()) {
                    long raw = 0;
                    long compressed = 0;
                    long start = System.nanoTime();
                    for (byte[] page : column.getValue()) {
                        raw += page.length;
                        compressed += zstd.compress(BytesInput.from(page)).size();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    total += seconds;
                    line.append(String.format(" %s %.1f -> %.1f MB in %.2f s (%.0f MB/s);", column.getKey(),
                            raw / 1e6, compressed / 1e6, seconds, raw / 1e6 / seconds));
                }
                zstd.release();
                System.out.println(line.append(String.format(" all %.2f s", total)));
            }
        }
    }

    private static Map<String, List<byte[]>> pagesByColumn(Path file) throws Exception {
        Map<String, List<byte[]>> pages = new LinkedHashMap<>();
        try (ParquetFileReader reader = ParquetFiles.open(
                new InMemoryInputFile(file.toString(), Files.readAllBytes(file)))) {
            for (PageReadStore rowGroup = reader.readNextRowGroup(); rowGroup != null;
                 rowGroup = reader.readNextRowGroup()) {
                for (ColumnDescriptor column : reader.getFileMetaData().getSchema().getColumns()) {
                    PageReader chunk = rowGroup.getPageReader(column);
                    for (DataPage page = chunk.readPage(); page != null; page = chunk.readPage()) {
                        if (page instanceof DataPageV1 v1) {
                            pages.computeIfAbsent(String.join(".", column.getPath()), c -> new ArrayList<>())
                                    .add(v1.getBytes().toByteArray());
                        }
                    }
                }
            }
        }
        return pages;
    }
}
