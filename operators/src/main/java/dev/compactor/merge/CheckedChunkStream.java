package dev.compactor.merge;

import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * <p>It serves one whole page at a time, so it holds at most one page in memory. A read that does not start at a
 * column chunk of the row group is passed through unchecked.
 */
final class CheckedChunkStream extends SeekableInputStream {

    private final SeekableInputStream in;
    private final InputFooter input;
    private final String source;
    private final Map<Long, Long> chunkEnds = new HashMap<>();
    private final CRC32 crc = new CRC32();

    private long pos;
    /** End of the chunk being read, or -1 when reading unchecked. */
    private long chunkEnd = -1;
    private byte[] page = new byte[0];
    private int pageLength;
    private int pageOffset;

    /** @param input the source file's footer, or null for a scratch file (then a failure is a plain I/O error) */
    CheckedChunkStream(SeekableInputStream in, BlockMetaData rowGroup, InputFooter input, String source) {
        this.in = in;
        this.input = input;
        this.source = source;
        for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
            chunkEnds.put(chunk.getStartingPos(), chunk.getStartingPos() + chunk.getTotalSize());
        }
    }

    @Override
    public long getPos() {
        return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
        in.seek(newPos);
        pos = newPos;
        chunkEnd = chunkEnds.getOrDefault(newPos, -1L);
        pageLength = 0;
        pageOffset = 0;
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
        if (pageOffset == pageLength && !nextPage()) {
            return -1;
        }
        int n = Math.min(len, pageLength - pageOffset);
        System.arraycopy(page, pageOffset, b, off, n);
        pageOffset += n;
        pos += n;
        return n;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
        readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = read(bytes, start + done, len - done);
            if (n < 0) {
                throw new EOFException("end of " + source + " after " + done + " of " + len + " bytes");
            }
            done += n;
        }
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
        byte[] copy = new byte[buf.remaining()];
        int n = read(copy, 0, copy.length);
        if (n > 0) {
            buf.put(copy, 0, n);
        }
        return n;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
        byte[] copy = new byte[buf.remaining()];
        readFully(copy, 0, copy.length);
        buf.put(copy);
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
        RecordingStream recorded = new RecordingStream(in);
        PageHeader header;
        try {
            header = Util.readPageHeader(recorded);
        } catch (IOException e) {
            throw damaged("unreadable page header at " + at + " in " + source, e);
        }
        int headerLength = recorded.bytes.size();
        long size = header.getCompressed_page_size();
        if (size < 0 || at + headerLength + size > chunkEnd) {
            throw damaged("a page at " + at + " in " + source + " claims " + size
                    + " bytes, past the end of its column chunk at " + chunkEnd, null);
        }
        int total = Math.toIntExact(headerLength + size);
        if (page.length < total) {
            page = Arrays.copyOf(page, Math.max(total, page.length * 2));
        }
        recorded.bytes.copyInto(page);
        in.readFully(page, headerLength, (int) size);
        if (header.isSetCrc()) {
            crc.reset();
            crc.update(page, headerLength, (int) size);
            if ((int) crc.getValue() != header.getCrc()) {
                throw damaged("the page at " + at + " in " + source + " does not match its CRC", null);
            }
        }
        pageLength = total;
        pageOffset = 0;
        return true;
    }

    private IOException damaged(String message, Throwable cause) {
        return SourceRowGroups.failure(input, new ParquetDecodingException(message, cause));
    }

    /** Keeps every byte the page header parser reads, so they can be copied out as they were. */
    private static final class RecordingStream extends FilterInputStream {
        final Recorded bytes = new Recorded();

        RecordingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                bytes.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                bytes.write(b, off, n);
            }
            return n;
        }
    }

    private static final class Recorded extends ByteArrayOutputStream {
        void copyInto(byte[] target) {
            System.arraycopy(buf, 0, target, 0, count);
        }
    }
}
