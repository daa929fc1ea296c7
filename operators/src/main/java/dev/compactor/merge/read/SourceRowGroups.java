package dev.compactor.merge.read;

import dev.compactor.merge.UnreadableInputException;
import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.reference.SourceRows;
import dev.compactor.merge.write.PartWriter;
import dev.compactor.merge.write.RowGroupFileWriter;
import dev.compactor.store.InMemoryInputFile;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The row groups of one Parquet file, in order, each either decoded into {@link RowGroupRows} or handed to a
 * writer to copy as bytes. Every failure to read is reported as {@link UnreadableInputException} when the file
 * is a source file, so the merge can tell a bad input from a failing output.
 */
public final class SourceRowGroups implements Closeable, RowGroupFileWriter.IndexSource {

    private final InputFile file;
    private final InputFooter input;
    private final ColumnMapping mapping;
    private final List<BlockMetaData> blocks;
    private final MessageType fileSchema;
    private final String createdBy;
    /**
     * parquet-java's reader of the file, opened only when something needs it: a row group not read in memory
     * ({@link InMemoryRowGroup}), or a copied row group's page indexes. The footer was parsed once already.
     */
    private ParquetFileReader reader;
    /** Row groups the reader has read or skipped. */
    private int readerPosition;
    private boolean closed;
    private SeekableInputStream copyStream;
    private int next;
    /** The next row group, when it was decoded ahead ({@link #decodeAhead}): into pages, or into arrays. */
    private RowGroupRows decodedAhead;
    private DecodedRowGroup arraysAhead;

    private SourceRowGroups(InputFile file, InputFooter input, ColumnMapping mapping, List<BlockMetaData> blocks,
                            MessageType fileSchema, String createdBy, ParquetFileReader reader) {
        this.file = file;
        this.input = input;
        this.mapping = mapping;
        this.blocks = blocks;
        this.fileSchema = fileSchema;
        this.createdBy = createdBy;
        this.reader = reader;
    }

    /**
     * @param input the source file's footer, or null for a scratch file (a sort run) whose failures are ours
     */
    public static SourceRowGroups open(InputFile file, InputFooter input, ColumnMapping mapping) throws IOException {
        if (input != null && file.getLength() == input.size()) {
            return new SourceRowGroups(file, input, mapping, input.rowGroups(), input.parquetSchema(),
                    input.createdBy(), null);
        }
        // a scratch file, or a source that changed since its footer was read: its own footer decides
        try {
            ParquetFileReader reader = ParquetFiles.open(file);
            return new SourceRowGroups(file, input, mapping, reader.getRowGroups(),
                    reader.getFileMetaData().getSchema(), reader.getFileMetaData().getCreatedBy(), reader);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    /** parquet-java's reader, positioned before row group {@code rowGroup}. */
    private ParquetFileReader readerAt(int rowGroup) throws IOException {
        if (reader == null) {
            reader = ParquetFiles.open(file);
        }
        for (; readerPosition < rowGroup; readerPosition++) {
            reader.skipNextRowGroup();
        }
        return reader;
    }

    public boolean hasNext() {
        return next < blocks.size();
    }

    /** The next row group's metadata, before choosing to {@link #copyNext} or {@link #decodeNext} it. */
    public BlockMetaData peek() {
        return blocks.get(next);
    }

    /** Copies the next row group as bytes; only valid when the mapping is the identity. */
    public void copyNext(PartWriter parts) throws IOException {
        if (decodedAhead != null || arraysAhead != null) {
            throw new IllegalStateException("the next row group of " + file + " was decoded ahead, not to be copied");
        }
        BlockMetaData block = blocks.get(next);
        if (copyStream == null) {
            try {
                copyStream = file.newStream();
            } catch (IOException | RuntimeException e) {
                throw failure(input, e);
            }
        }
        next++;
        parts.appendRowGroup(new CheckedChunkStream(copyStream, block, input, input != null ? input.key() : file.toString()),
                block, this);
    }

    /**
     * Decodes the next row group; its values are read lazily, page by page, as rows are copied, unless it was
     * decoded ahead.
     */
    public RowGroupRows decodeNext() throws IOException {
        if (arraysAhead != null) {
            throw new IllegalStateException("the next row group of " + file + " was decoded into arrays");
        }
        RowGroupRows rows = decodedAhead != null ? decodedAhead : decode(false);
        decodedAhead = null;
        next++;
        return rows;
    }

    /**
     * Decodes the next row group into arrays ({@link DecodedRowGroup}) from {@code arrays}, unless it was decoded
     * ahead; its pages are let go.
     */
    public DecodedRowGroup decodeNextIntoArrays(DecodedArrays arrays) throws IOException {
        DecodedRowGroup decoded = arraysAhead != null ? arraysAhead : intoArrays(decode(false), arrays);
        arraysAhead = null;
        next++;
        return decoded;
    }

    /**
     * Decodes the next row group now, for {@link #decodeNext} (with its pages decompressed) or, when given
     * arrays, for {@link #decodeNextIntoArrays} to return: the thread that fetches inputs ahead of the merge calls
     * it, so the merge thread finds the work done. Only for a row group that is not to be copied as bytes.
     *
     * @param arrays where the arrays of a row group decoded into arrays come from; null to decode it into pages
     */
    void decodeAhead(DecodedArrays arrays) throws IOException {
        if (decodedAhead == null && arraysAhead == null && hasNext()) {
            if (arrays != null) {
                arraysAhead = intoArrays(decode(false), arrays);
            } else {
                decodedAhead = decode(true);
            }
        }
    }

    private DecodedRowGroup intoArrays(RowGroupRows rows, DecodedArrays arrays) throws IOException {
        try (rows) {
            return DecodedRowGroup.of(rows, arrays);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    private RowGroupRows decode(boolean decompressAhead) throws IOException {
        try {
            BlockMetaData block = blocks.get(next);
            PageReadStore pages;
            boolean inMemory = file instanceof InMemoryInputFile && InMemoryRowGroup.reads(block, mapping);
            if (inMemory) {
                pages = InMemoryRowGroup.read(((InMemoryInputFile) file).bytes(), block, mapping, file.toString());
            } else {
                pages = readerAt(next).readNextRowGroup();
                readerPosition++;
            }
            if (next + 1 == blocks.size() && copyStream == null && file instanceof InMemoryInputFile whole) {
                // the row groups hold what they need (decompressed pages, or slices of the bytes): the file's
                // bytes are not held twice
                whole.release();
            }
            if (decompressAhead && !inMemory) {
                PageReadStore compressed = pages;
                try {
                    pages = DecompressedPages.of(compressed, block, mapping);
                } catch (IOException | RuntimeException e) {
                    compressed.close();
                    throw e;
                }
            }
            return new RowGroupRows(pages, block, fileSchema, createdBy, mapping);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    @Override
    public ColumnIndex columnIndex(ColumnChunkMetaData chunk) throws IOException {
        try {
            return readerAt(0).readColumnIndex(chunk);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    @Override
    public OffsetIndex offsetIndex(ColumnChunkMetaData chunk) throws IOException {
        try {
            return readerAt(0).readOffsetIndex(chunk);
        } catch (IOException | RuntimeException e) {
            throw failure(input, e);
        }
    }

    /**
     * Wraps a read failure of a source file that says the file itself is bad; a store failure, or a scratch file's
     * failure, stays as it is (see {@link SourceRows#isFormatError}).
     */
    public static IOException failure(InputFooter input, Throwable e) {
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
        if (decodedAhead != null) {
            decodedAhead.close();
            decodedAhead = null;
        }
        arraysAhead = null;
        try {
            if (reader != null) {
                reader.close();
            }
        } finally {
            if (copyStream != null) {
                copyStream.close();
            }
        }
    }
}
