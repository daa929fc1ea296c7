package dev.compactor.merge.read;

import com.github.luben.zstd.Zstd;
import dev.compactor.merge.decode.FlatPage;
import dev.compactor.merge.decode.FlatPages;
import dev.compactor.merge.plan.ColumnMapping;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ParquetDecodingException;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A row group's pages read straight out of a file held in memory: each page header is parsed where it lies and
 * each page is decompressed from the file's bytes into an array of its own in one call (an uncompressed page is
 * not copied at all). parquet-java's reader first copies every column chunk out of the file, then decompresses
 * each page through a stream with buffers of its own: for the small files a merge reads by the thousand, that
 * was most of what reading cost besides the codec, and most of the garbage.
 *
 * <p>Only for row groups whose every chunk the merge reads is made of pages (V1 or V2) it reads as flat pages
 * ({@link FlatPage#accepts}) compressed with a codec decompressed here ({@link #reads}); any other goes through
 * parquet-java's reader. Every page is checked as a copied one is ({@link CheckedPageHeader}: its header parses, its
 * bytes stay inside the chunk, its CRC matches when the writer recorded one); it must also decompress to the size
 * its header gives, and a chunk's pages must hold the chunk's value count. Anything else is a
 * {@link ParquetDecodingException}, so the input is quarantined.
 */
final class InMemoryRowGroup implements PageReadStore {

    private static final Set<CompressionCodecName> CODECS =
            Set.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY, CompressionCodecName.ZSTD);

    private final long rowCount;
    private final Map<ColumnDescriptor, HeldPages> chunks;

    private InMemoryRowGroup(long rowCount, Map<ColumnDescriptor, HeldPages> chunks) {
        this.rowCount = rowCount;
        this.chunks = chunks;
    }

    /** True when every chunk of the row group the mapping reads can be read here. */
    static boolean reads(BlockMetaData block, ColumnMapping mapping) {
        Map<ColumnPath, ColumnChunkMetaData> byPath = byPath(block);
        for (int c = 0; c < mapping.outputColumns().size(); c++) {
            ColumnDescriptor in = mapping.source(c);
            if (in == null) {
                continue;
            }
            ColumnChunkMetaData chunk = byPath.get(ColumnPath.get(in.getPath()));
            if (chunk == null || !CODECS.contains(chunk.getCodec()) || !FlatPage.accepts(chunk, in)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the pages of every chunk the mapping reads, after {@link #reads} said it can.
     *
     * @param file   the whole file's bytes; uncompressed pages keep pointing into them
     * @param source the file's name, for error messages
     */
    static InMemoryRowGroup read(byte[] file, BlockMetaData block, ColumnMapping mapping, String source) {
        Map<ColumnPath, ColumnChunkMetaData> byPath = byPath(block);
        Map<ColumnDescriptor, HeldPages> chunks = new HashMap<>();
        CRC32 crc = new CRC32();
        for (int c = 0; c < mapping.outputColumns().size(); c++) {
            ColumnDescriptor in = mapping.source(c);
            if (in != null && !chunks.containsKey(in)) {
                ColumnChunkMetaData chunk = byPath.get(ColumnPath.get(in.getPath()));
                chunks.put(in, new Chunk(file, chunk, in, crc, source).pages());
            }
        }
        return new InMemoryRowGroup(block.getRowCount(), chunks);
    }

    private static Map<ColumnPath, ColumnChunkMetaData> byPath(BlockMetaData block) {
        Map<ColumnPath, ColumnChunkMetaData> byPath = new HashMap<>();
        block.getColumns().forEach(chunk -> byPath.put(chunk.getPath(), chunk));
        return byPath;
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor column) {
        HeldPages pages = chunks.get(column);
        if (pages == null) {
            throw new IllegalArgumentException("column " + column + " was not read from this row group");
        }
        return pages;
    }

    @Override
    public long getRowCount() {
        return rowCount;
    }

    /** One chunk's pages, read and decompressed. */
    private static final class Chunk {
        private final ArrayDeque<DataPage> data = new ArrayDeque<>();
        private final long totalValueCount;
        private DictionaryPage dictionary;

        Chunk(byte[] file, ColumnChunkMetaData chunk, ColumnDescriptor column, CRC32 crc, String source) {
            long start = chunk.getStartingPos();
            long end = start + chunk.getTotalSize();
            if (start < 0 || chunk.getTotalSize() < 0 || end > file.length) {
                throw new ParquetDecodingException("the column chunk " + chunk.getPath() + " of " + source
                        + " claims bytes " + start + " to " + end + ", outside the file's " + file.length);
            }
            totalValueCount = chunk.getValueCount();
            long values = 0;
            int at = (int) start;
            while (at < end) {
                CheckedPageHeader page = CheckedPageHeader.parse(file, at, (int) end - at, at, end, source);
                int pageAt = at + page.length();
                int size = page.pageSize();
                page.checkCrc(crc, file, pageAt, at, source);
                PageHeader header = page.header();
                switch (header.getType()) {
                    case DICTIONARY_PAGE -> readDictionary(header, decompress(file, pageAt, size, header, chunk,
                            source), source, at);
                    case DATA_PAGE -> values += readData(header, decompress(file, pageAt, size, header, chunk,
                            source), column, source, at);
                    case DATA_PAGE_V2 -> values += readDataV2(header, file, pageAt, size, chunk, column, source, at);
                    case INDEX_PAGE -> {
                        // not needed to read the values
                    }
                    default -> throw new ParquetDecodingException("the page at " + at + " in " + source + " is a "
                            + header.getType() + ", which its column chunk's encoding statistics rule out");
                }
                at = pageAt + size;
            }
            if (values != totalValueCount) {
                throw new ParquetDecodingException("the column chunk " + chunk.getPath() + " of " + source
                        + " holds " + values + " values in its pages, but its metadata says " + totalValueCount);
            }
        }

        private void readDictionary(PageHeader header, BytesInput bytes, String source, int at) {
            DictionaryPageHeader d = header.getDictionary_page_header();
            if (d == null || dictionary != null || !data.isEmpty()) {
                throw new ParquetDecodingException("the dictionary page at " + at + " in " + source
                        + " is missing its header, a second one, or after data pages");
            }
            dictionary = new DictionaryPage(bytes, header.getUncompressed_page_size(), d.getNum_values(),
                    Encoding.valueOf(d.getEncoding().name()));
        }

        private int readData(PageHeader header, BytesInput bytes, ColumnDescriptor column, String source, int at) {
            DataPageHeader d = header.getData_page_header();
            if (d == null || d.getNum_values() < 0) {
                throw new ParquetDecodingException("the data page at " + at + " in " + source
                        + " is missing its header or has a negative value count");
            }
            // the pages' own statistics are not read: whatever is written computes its own
            data.add(new DataPageV1(bytes, d.getNum_values(), header.getUncompressed_page_size(),
                    Statistics.getBuilderForReading(column.getPrimitiveType()).build(),
                    Encoding.valueOf(d.getRepetition_level_encoding().name()),
                    Encoding.valueOf(d.getDefinition_level_encoding().name()),
                    Encoding.valueOf(d.getEncoding().name())));
            return d.getNum_values();
        }

        /**
         * A V2 page: its levels are stored uncompressed ahead of its values, and only the values may be
         * compressed; held as the V1 page with the same values ({@link FlatPages#asV1}).
         */
        private int readDataV2(PageHeader header, byte[] file, int at, int size, ColumnChunkMetaData chunk,
                               ColumnDescriptor column, String source, int headerAt) {
            DataPageHeaderV2 d = header.getData_page_header_v2();
            if (d == null || d.getNum_values() < 0 || d.getNum_nulls() < 0 || d.getNum_rows() < 0
                    || d.getRepetition_levels_byte_length() < 0 || d.getDefinition_levels_byte_length() < 0) {
                throw new ParquetDecodingException("the V2 data page at " + headerAt + " in " + source
                        + " is missing its header or has negative counts or lengths");
            }
            int levels = d.getRepetition_levels_byte_length() + d.getDefinition_levels_byte_length();
            int uncompressed = header.getUncompressed_page_size() - levels;
            if (levels > size || uncompressed < 0) {
                throw new ParquetDecodingException("the V2 data page at " + headerAt + " in " + source
                        + " has levels longer than the page");
            }
            BytesInput values = !d.isSetIs_compressed() || d.isIs_compressed()
                    ? decompress(file, at + levels, size - levels, uncompressed, chunk, source)
                    : sized(file, at + levels, size - levels, uncompressed, source);
            DataPageV2 page = DataPageV2.uncompressed(d.getNum_rows(), d.getNum_nulls(), d.getNum_values(),
                    BytesInput.from(file, at, d.getRepetition_levels_byte_length()),
                    BytesInput.from(file, at + d.getRepetition_levels_byte_length(),
                            d.getDefinition_levels_byte_length()),
                    Encoding.valueOf(d.getEncoding().name()), values,
                    Statistics.getBuilderForReading(column.getPrimitiveType()).build());
            try {
                data.add(FlatPages.asV1(page, column));
            } catch (IOException e) {
                throw new ParquetDecodingException("the V2 data page at " + headerAt + " in " + source
                        + " cannot be read", e);
            }
            return d.getNum_values();
        }

        private static BytesInput decompress(byte[] file, int at, int size, PageHeader header,
                                             ColumnChunkMetaData chunk, String source) {
            return decompress(file, at, size, header.getUncompressed_page_size(), chunk, source);
        }

        /** Bytes stored uncompressed (a V2 page's values marked not compressed): their size must match. */
        private static BytesInput sized(byte[] file, int at, int size, int uncompressed, String source) {
            if (size != uncompressed) {
                throw wrongSize(at, source, size, uncompressed);
            }
            return BytesInput.from(file, at, size);
        }

        private static BytesInput decompress(byte[] file, int at, int size, int uncompressed,
                                             ColumnChunkMetaData chunk, String source) {
            // checked before allocating: a damaged header must fail the input, not exhaust the heap
            if (uncompressed < 0 || uncompressed > chunk.getTotalUncompressedSize()) {
                throw new ParquetDecodingException("the page at " + at + " in " + source + " claims "
                        + uncompressed + " bytes uncompressed, outside 0 to its whole chunk's "
                        + chunk.getTotalUncompressedSize());
            }
            CompressionCodecName codec = chunk.getCodec();
            if (codec == CompressionCodecName.UNCOMPRESSED) {
                return sized(file, at, size, uncompressed, source);
            }
            byte[] out = new byte[uncompressed];
            long written;
            try {
                written = codec == CompressionCodecName.SNAPPY ? Snappy.uncompress(file, at, size, out, 0)
                        : Zstd.decompressByteArray(out, 0, uncompressed, file, at, size);
            } catch (IOException | RuntimeException e) {
                throw new ParquetDecodingException("the " + codec + " page at " + at + " in " + source
                        + " does not decompress", e);
            }
            if (codec == CompressionCodecName.ZSTD && Zstd.isError(written)) {
                throw new ParquetDecodingException("the ZSTD page at " + at + " in " + source
                        + " does not decompress: " + Zstd.getErrorName(written));
            }
            if (written != uncompressed) {
                throw wrongSize(at, source, written, uncompressed);
            }
            return BytesInput.from(out);
        }

        private static ParquetDecodingException wrongSize(int at, String source, long got, int expected) {
            return new ParquetDecodingException("the page at " + at + " in " + source + " decompresses to " + got
                    + " bytes, not the " + expected + " its header gives");
        }

        HeldPages pages() {
            return new HeldPages(dictionary, data, totalValueCount);
        }
    }
}
