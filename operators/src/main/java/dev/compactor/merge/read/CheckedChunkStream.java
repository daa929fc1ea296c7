package dev.compactor.merge.read;

import dev.compactor.merge.UnreadableInputException;
import dev.compactor.merge.plan.InputFooter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The stream a row group is copied from as bytes, checking each page on its way through: its header must parse,
 * its length must stay inside the column chunk, and when the writer recorded a CRC (parquet-java does by
 * default) the page's bytes must match it. A copied page is never decoded, so without this a damaged page would
 * pass into the output unnoticed while its source is deleted; with it, the damage fails the copy as the input's
 * and the file is quarantined instead (the failure is an {@link UnreadableInputException} for a source file).
 *
 * <p>It reads the chunk in large blocks and serves one whole checked page at a time, so it holds about one page
 * (at least {@value #BLOCK} bytes) in memory. A read that does not start at a column chunk of the row group is
 * passed through unchecked.
 */
final class CheckedChunkStream extends DelegatingSeekableInputStream {

    /** Bytes read from the source at a time; a page header is parsed from them without a read per byte. */
    static final int BLOCK = 256 << 10;

    private final CheckedPages pages;

    /** @param input the source file's footer, or null for a scratch file (then a failure is a plain I/O error) */
    CheckedChunkStream(SeekableInputStream in, BlockMetaData rowGroup, InputFooter input, String source) {
        this(new CheckedPages(in, rowGroup, input, source));
    }

    private CheckedChunkStream(CheckedPages pages) {
        super(pages);
        this.pages = pages;
    }

    @Override
    public long getPos() {
        return pages.pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
        pages.seek(newPos);
    }

    /** The bytes of the source, served page by page once checked. */
    private static final class CheckedPages extends InputStream {

        private final SeekableInputStream in;
        private final InputFooter input;
        private final String source;
        private final Map<Long, Long> chunkEnds = new HashMap<>();
        private final CRC32 crc = new CRC32();

        private long pos;
        /** End of the chunk being read, or -1 when reading unchecked. */
        private long chunkEnd = -1;
        /** Bytes read ahead from the chunk: buffer[pageOffset, pageEnd) is the checked page being served. */
        private byte[] buffer = new byte[BLOCK];
        private int pageOffset;
        private int pageEnd;
        /** End of the bytes read into the buffer; buffer[pageEnd, filled) is not checked yet. */
        private int filled;

        CheckedPages(SeekableInputStream in, BlockMetaData rowGroup, InputFooter input, String source) {
            this.in = in;
            this.input = input;
            this.source = source;
            for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
                chunkEnds.put(chunk.getStartingPos(), chunk.getStartingPos() + chunk.getTotalSize());
            }
        }

        void seek(long newPos) throws IOException {
            in.seek(newPos);
            pos = newPos;
            chunkEnd = chunkEnds.getOrDefault(newPos, -1L);
            pageOffset = 0;
            pageEnd = 0;
            filled = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (chunkEnd < 0) {
                int n = in.read(b, off, len);
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
            if (pageOffset == pageEnd && !nextPage()) {
                return -1;
            }
            int n = Math.min(len, pageEnd - pageOffset);
            System.arraycopy(buffer, pageOffset, b, off, n);
            pageOffset += n;
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /** Reads and checks the next page of the chunk; false at the chunk's end. */
        private boolean nextPage() throws IOException {
            long at = pos;
            if (at >= chunkEnd) {
                return false;
            }
            int headerAt = ensureRead((int) Math.min(BLOCK, chunkEnd - at));
            try {
                CheckedPageHeader page = CheckedPageHeader.parse(buffer, headerAt, filled - headerAt, at, chunkEnd,
                        source);
                int total = page.length() + page.pageSize();
                headerAt = ensureRead(total);
                page.checkCrc(crc, buffer, headerAt + page.length(), at, source);
                pageOffset = headerAt;
                pageEnd = headerAt + total;
                return true;
            } catch (ParquetDecodingException e) {
                throw SourceRowGroups.failure(input, e);
            }
        }

        /**
         * Makes the {@code count} bytes after the served page available in the buffer, moving them to its start or
         * growing it as needed; returns where they start.
         */
        private int ensureRead(int count) throws IOException {
            if (filled - pageEnd >= count) {
                return pageEnd;
            }
            int unread = filled - pageEnd;
            if (buffer.length < count) {
                byte[] larger = new byte[Math.max(count, buffer.length * 2)];
                System.arraycopy(buffer, pageEnd, larger, 0, unread);
                buffer = larger;
            } else {
                System.arraycopy(buffer, pageEnd, buffer, 0, unread);
            }
            pageOffset = 0;
            pageEnd = 0;
            filled = unread;
            long chunkLeft = chunkEnd - (pos + unread);
            int more = (int) Math.min(buffer.length - filled, chunkLeft);
            more = Math.max(more, count - unread);
            in.readFully(buffer, filled, more);
            filled += more;
            return 0;
        }
    }
}
