package dev.compactor.merge;

import dev.compactor.store.InMemoryInputFile;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The row groups of one Parquet file, in order, each either decoded into {@link RowGroupRows} or handed to a
 * writer to copy as bytes. Every failure to read is reported as {@link UnreadableInputException} when the file
 * is a source file, so the merge can tell a bad input from a failing output.
 */
final class SourceRowGroups implements Closeable, RowGroupFileWriter.IndexSource {

    private final InputFile file;
    private final InputFooter input;
    private final ColumnMapping mapping;
    private final ParquetFileReader reader;
    private boolean closed;
    private final List<BlockMetaData> blocks;
    private SeekableInputStream copyStream;
    private int next;

    private SourceRowGroups(InputFile file, InputFooter input, ColumnMapping mapping, ParquetFileReader reader) {
        this.file = file;
        this.input = input;
        this.mapping = mapping;
        this.reader = reader;
        this.blocks = reader.getRowGroups();
    }

    /**
     * @param input the source file's footer, or null for a scratch file (a sort run) whose failures are ours
     */
    static SourceRowGroups open(InputFile file, InputFooter input, ColumnMapping mapping) throws IOException {
        try {
            return new SourceRowGroups(file, input, mapping, AvroParquet.footerReader(file));
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    boolean hasNext() {
        return next < blocks.size();
    }

    /** The next row group's metadata, before choosing to {@link #copyNext} or {@link #decodeNext} it. */
    BlockMetaData peek() {
        return blocks.get(next);
    }

    /** Copies the next row group as bytes; only valid when the mapping is the identity. */
    void copyNext(PartWriter parts) throws IOException {
        BlockMetaData block = blocks.get(next);
        if (copyStream == null) {
            try {
                copyStream = file.newStream();
            } catch (IOException | RuntimeException e) {
                throw failure(input, e);
            }
        }
        reader.skipNextRowGroup();
        next++;
        parts.appendRowGroup(new CheckedChunkStream(copyStream, block, input, input != null ? input.key() : file.toString()),
                block, this);
    }

    /** Decodes the next row group; its values are read lazily, page by page, as rows are copied. */
    RowGroupRows decodeNext() throws IOException {
        try {
            BlockMetaData block = blocks.get(next);
            PageReadStore pages = reader.readNextRowGroup();
            next++;
            if (next == blocks.size() && copyStream == null && file instanceof InMemoryInputFile whole) {
                // the row groups hold copies of what they need: the file's bytes are not held twice
                whole.release();
            }
            return new RowGroupRows(pages, block, reader.getFileMetaData().getSchema(),
                    reader.getFileMetaData().getCreatedBy(), mapping);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    @Override
    public ColumnIndex columnIndex(ColumnChunkMetaData chunk) throws IOException {
        try {
            return reader.readColumnIndex(chunk);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    @Override
    public OffsetIndex offsetIndex(ColumnChunkMetaData chunk) throws IOException {
        try {
            return reader.readOffsetIndex(chunk);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    /**
     * Wraps a read failure of a source file that says the file itself is bad; a store failure, or a scratch file's
     * failure, stays as it is (see {@link SourceRows#isFormatError}).
     */
    static IOException failure(InputFooter input, Throwable e) {
        if (input != null && (e instanceof UnreadableInputException || SourceRows.isFormatError(e))) {
            return e instanceof UnreadableInputException u ? u : new UnreadableInputException(input, e);
        }
        return e instanceof IOException io ? io : new IOException(e);
    }

    /** Idempotent: a merge closes an input as soon as it runs out, and again with the rest when it ends. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            reader.close();
        } finally {
            if (copyStream != null) {
                copyStream.close();
            }
        }
    }
}
