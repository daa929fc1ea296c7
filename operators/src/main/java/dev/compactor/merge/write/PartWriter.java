package dev.compactor.merge.write;

import dev.compactor.layout.BucketLayout;
import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.StagedWindow;
import dev.compactor.merge.UnreadableInputException;
import dev.compactor.merge.plan.ColumnEncodings;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.plan.WindowSchema;
import dev.compactor.merge.read.RowGroupRows;
import dev.compactor.merge.reference.GroupRecords;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a window's rows into staging parts p0, p1, … and starts a new part once the current one reaches the
 * target size. Encoded rows are coalesced into row groups of the configured size (smaller only at the end of a
 * part, or where a copied row group follows). A part is opened only when something arrives for it, so there is
 * never an empty trailing part.
 */
public final class PartWriter implements ColumnRowSink {

    /**
     * The buffered size counts finished pages compressed but the open page of each column raw. Pages small next
     * to the target keep that estimate close to the bytes the part will have.
     */
    private static final int PAGES_PER_TARGET = 16;
    private static final int MIN_PAGE = 8 << 10;

    /** Footer keys recording where a part came from. */
    public static final String INPUT_COUNT_KEY = "compactor.input-count";
    public static final String GENERATION_KEY = "compactor.generation";

    private final ObjectStore store;
    private final BucketLayout layout;
    private final CompactionTask task;
    private final MessageType schema;
    private final List<SchemaElement> elements;
    private final BytesInputCompressor compressor;
    private final long rowGroupBytes;
    private final long rowGroupRows;
    private final boolean writesColumns;
    private final long targetBytes;
    private final ColumnEncodings encodings;
    private final Map<String, String> metadata;
    private final PageWriteThread pageWriteThread;
    private final int hashChunkBytes;

    private final List<StagedWindow.Part> closed = new ArrayList<>();
    private RowGroupFileWriter current;
    private HashingOutputFile currentOutput;
    private long currentWritten;
    private int rowGroups;

    /**
     * @param elements  the output's schema as the inputs wrote it ({@link WindowSchema#elements})
     * @param keyValues footer metadata the inputs agree on; the part's origin is added
     */
    public PartWriter(ObjectStore store, BucketLayout layout, CompactionTask task, MessageType schema,
               List<SchemaElement> elements, Map<String, String> keyValues, BytesInputCompressor compressor, long rowGroupBytes, long rowGroupRows, long targetBytes,
               ColumnEncodings encodings, int inputCount, PageWriteThread pageWriteThread, int hashChunkBytes) {
        this.store = store;
        this.layout = layout;
        this.task = task;
        this.schema = schema;
        this.elements = elements;
        this.compressor = compressor;
        this.rowGroupBytes = rowGroupBytes;
        this.rowGroupRows = rowGroupRows;
        this.writesColumns = ColumnarRowGroup.supports(schema);
        this.targetBytes = targetBytes;
        this.encodings = encodings;
        this.pageWriteThread = pageWriteThread;
        this.hashChunkBytes = hashChunkBytes;
        Map<String, String> footer = new TreeMap<>(keyValues);
        footer.put(INPUT_COUNT_KEY, Integer.toString(inputCount));
        footer.put(GENERATION_KEY, Integer.toString(task.generation));
        this.metadata = Map.copyOf(footer);
    }

    @Override
    public ColumnWriter[] columnWriters() throws IOException {
        if (current == null) {
            open();
        }
        return current.columnWriters();
    }

    @Override
    public void endRow() throws IOException {
        current.endRow();
        afterRow();
    }

    @Override
    public boolean writesBatches() {
        return ColumnarRowGroup.supportsRows(schema);
    }

    @Override
    public int nextBatchRows(int wanted) {
        long open = current == null ? 0 : current.openRows();
        return (int) Math.max(1, Math.min(wanted, rowGroupRows - open));
    }

    @Override
    public void writeRows(RowBatch batch) throws IOException {
        if (current == null) {
            open();
        }
        current.writeRows(batch);
        afterRow();
    }

    /**
     * Writes a row read by {@link GroupRecords}, its fields mapped by {@link GroupRecords#fieldsOf}. A row its
     * content keeps from being encoded is the failure of its input ({@code source}, null for a row of a sort run);
     * opening and flushing the part stay the output's.
     */
    public void write(Group row, int[] fieldsOf, InputFooter source) throws IOException {
        if (current == null) {
            open();
        }
        try {
            current.write(row, fieldsOf);
        } catch (RuntimeException e) {
            if (source == null) {
                throw e;
            }
            throw new UnreadableInputException(source, e);
        }
        afterRow();
    }

    /** True when whole input row groups can be added column by column ({@link #appendColumns}). */
    public boolean writesColumns() {
        return writesColumns;
    }

    /**
     * Adds every row of an input row group, column by column. The part and the row group are checked against
     * their sizes after it, so either may end up larger by up to one input row group (one below the copy
     * threshold). A failure while the rows are read is the input's.
     */
    public void appendColumns(RowGroupRows rows, InputFooter input) throws IOException {
        if (current == null) {
            open();
        }
        current.startColumns();
        try {
            current.appendColumns(rows);
        } catch (RuntimeException e) {
            throw new UnreadableInputException(input, e);
        }
        afterRow();
    }

    /** Copies a row group whose schema is the output's as bytes, after the rows written so far. */
    public void appendRowGroup(SeekableInputStream from, BlockMetaData block, RowGroupFileWriter.IndexSource indexes)
            throws IOException {
        if (current == null) {
            open();
        }
        current.appendRowGroup(from, block, indexes);
        currentWritten = current.writtenBytes();
        if (currentWritten >= targetBytes) {
            closeCurrent();
        }
    }

    /** Closes the last part and returns every part in part order. */
    public List<StagedWindow.Part> finish() throws IOException {
        if (current != null) {
            closeCurrent();
        }
        return List.copyOf(closed);
    }

    /** Row groups of the parts closed so far. */
    public int rowGroups() {
        return rowGroups;
    }

    /**
     * Removes every part this attempt wrote, so a failed merge leaves no staged output behind. Best effort: a
     * failure here must not hide the error that made us abort.
     */
    public void abort(Throwable reason) {
        if (current != null) {
            int part = closed.size();
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                reason.addSuppressed(e);
            }
            current = null;
            deleteQuietly(stagingKey(part), reason);
        }
        for (StagedWindow.Part p : closed) {
            deleteQuietly(p.stagingKey, reason);
        }
        closed.clear();
        rowGroups = 0;
    }

    private void afterRow() throws IOException {
        long buffered = current.bufferedBytes();
        if (currentWritten + buffered >= targetBytes) {
            closeCurrent();
        } else if (buffered >= rowGroupBytes || current.openRows() >= rowGroupRows) {
            current.endRowGroup();
            currentWritten = current.writtenBytes();
        }
    }

    private void open() throws IOException {
        currentOutput = new HashingOutputFile(store.outputFile(stagingKey(closed.size())), hashChunkBytes);
        current = new RowGroupFileWriter(currentOutput, schema, elements, compressor, pageBytes(), encodings,
                metadata, pageWriteThread);
        currentWritten = current.writtenBytes();
    }

    private void closeCurrent() throws IOException {
        int part = closed.size();
        RowGroupFileWriter writer = current;
        current = null;
        try {
            writer.close();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(stagingKey(part), e);
            throw e;
        }
        rowGroups += writer.rowGroups();
        closed.add(new StagedWindow.Part(stagingKey(part),
                layout.finalPartKey(task.namespace, task.windowStart, task.generation, part),
                writer.rows(), currentOutput.bytesWritten(), currentOutput.sha256Hex()));
    }

    private int pageBytes() {
        return (int) Math.max(MIN_PAGE, Math.min(ParquetWriter.DEFAULT_PAGE_SIZE, targetBytes / PAGES_PER_TARGET));
    }

    private String stagingKey(int part) {
        return layout.stagingPartKey(task.namespace, task.windowStart, task.generation, task.attempt, part);
    }

    private void deleteQuietly(String key, Throwable reason) {
        try {
            store.delete(key);
        } catch (IOException | RuntimeException e) {
            reason.addSuppressed(e);
        }
    }
}
