package dev.compactor.merge.read;

import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.ParquetDecodingException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.CRC32;

/**
 * A source page's header, parsed where it lies in a buffer, with the checks every source page passes whether it is
 * copied as bytes ({@link CheckedChunkStream}) or read in place ({@link InMemoryRowGroup}): the header parses, the
 * page's bytes stay inside its column chunk, and they match the CRC its writer recorded, if any. A failed check is
 * a {@link ParquetDecodingException}.
 *
 * @param length the header's own length in bytes; the page's bytes follow it
 */
record CheckedPageHeader(PageHeader header, int length) {

    /**
     * Parses the header at {@code bytes[offset, offset + available)}, of the page at file position {@code at} in a
     * chunk that ends at file position {@code chunkEnd}.
     */
    static CheckedPageHeader parse(byte[] bytes, int offset, int available, long at, long chunkEnd, String source) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes, offset, available);
        PageHeader header;
        try {
            header = Util.readPageHeader(in);
        } catch (IOException e) {
            throw new ParquetDecodingException("unreadable page header at " + at + " in " + source, e);
        }
        int length = available - in.available();
        long size = header.getCompressed_page_size();
        if (size < 0 || at + length + size > chunkEnd) {
            throw new ParquetDecodingException("a page at " + at + " in " + source + " claims " + size
                    + " bytes, past the end of its column chunk at " + chunkEnd);
        }
        return new CheckedPageHeader(header, length);
    }

    /** The page's bytes after the header, compressed. */
    int pageSize() {
        return header.getCompressed_page_size();
    }

    /** Checks the page's bytes, {@code bytes[offset, offset + pageSize())}, against the CRC its writer recorded. */
    void checkCrc(CRC32 crc, byte[] bytes, int offset, long at, String source) {
        if (header.isSetCrc()) {
            crc.reset();
            crc.update(bytes, offset, pageSize());
            if ((int) crc.getValue() != header.getCrc()) {
                throw new ParquetDecodingException("the page at " + at + " in " + source + " does not match its CRC");
            }
        }
    }
}
