package dev.compactor.merge.reference;

import dev.compactor.merge.UnreadableInputException;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.StoreFailureException;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;

/**
 * The rows of one source file as parquet-java's record API reads them ({@link GroupRecords}), with the mapping of
 * the window's top-level fields to the file's. Every failure of the input is reported as
 * {@link UnreadableInputException}, so the merge can tell a bad input from a failing output.
 */
public final class SourceRows implements Closeable {

    private static final Pattern CHUNK_COUNT_MISMATCH =
            Pattern.compile("^Expected \\d+ values in column chunk at .* but got \\d+ values instead");

    private final InputFooter input;
    private final ParquetReader<Group> reader;
    private final int[] fields;

    private SourceRows(InputFooter input, ParquetReader<Group> reader, int[] fields) {
        this.input = input;
        this.reader = reader;
        this.fields = fields;
    }

    public static SourceRows open(ObjectStore store, InputFooter input, MessageType window) throws IOException {
        return open(store.inputFile(input.key()), input, window);
    }

    static SourceRows open(InputFile file, InputFooter input, MessageType window) throws IOException {
        try {
            return new SourceRows(input, GroupRecords.reader(file), GroupRecords.fieldsOf(input.parquetSchema(), window));
        } catch (IOException | RuntimeException e) {
            throw asUnreadableIfFormatError(input, e);
        }
    }

    /**
     * Whether a failure says the file itself is bad, as opposed to the store failing to deliver it. parquet-java
     * reports bad magic, bad footers and undecodable values as unchecked exceptions, a page header it cannot parse
     * as an I/O error caused by Thrift, and a truncated file as an end of file; any other I/O error may be
     * transient, and quarantining a healthy file on it would take its rows out of the outputs.
     */
    public static boolean isFormatError(Throwable e) {
        if (StoreFailureException.within(e)) {
            // parquet-java wraps the I/O errors it meets in unchecked exceptions: the store's, too
            return false;
        }
        if (e instanceof RuntimeException || e instanceof EOFException || e instanceof NoSuchFileException
                || e instanceof OutOfMemoryError) {
            return true;
        }
        if (e.getMessage() != null && CHUNK_COUNT_MISMATCH.matcher(e.getMessage()).find()) {
            // parquet-java's check that a chunk's pages hold the values its metadata promises
            return true;
        }
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getClass().getName().contains(".thrift.") || c instanceof RuntimeException) {
                return true;
            }
        }
        return false;
    }

    private static IOException asUnreadableIfFormatError(InputFooter input, Throwable e) {
        if (isFormatError(e)) {
            return new UnreadableInputException(input, e);
        }
        return e instanceof IOException io ? io : new IOException(e);
    }

    /** For each of the window's top-level fields, the file's field, or -1 where the file lacks it. */
    public int[] fields() {
        return fields;
    }

    /** The next row, or null at the end of the file. */
    public Group next() throws IOException {
        try {
            return reader.read();
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw asUnreadableIfFormatError(input, e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
