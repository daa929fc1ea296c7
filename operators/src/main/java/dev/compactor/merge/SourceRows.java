package dev.compactor.merge;

import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;

import java.io.Closeable;
import java.io.EOFException;
import org.apache.parquet.io.InputFile;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * The rows of one source file, read into the window's schema. Every failure of the input is reported as
 * {@link UnreadableInputException}, so the merge can tell a bad input from a failing output.
 */
final class SourceRows implements Closeable {

    private final InputFooter input;
    private final ParquetReader<GenericRecord> reader;

    private SourceRows(InputFooter input, ParquetReader<GenericRecord> reader) {
        this.input = input;
        this.reader = reader;
    }

    static SourceRows open(ObjectStore store, InputFooter input, Schema windowSchema) throws IOException {
        return open(store.inputFile(input.key()), input, windowSchema);
    }

    static SourceRows open(InputFile file, InputFooter input, Schema windowSchema) throws IOException {
        try {
            return new SourceRows(input, AvroParquet.reader(file, windowSchema));
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
    static boolean isFormatError(Throwable e) {
        if (e instanceof RuntimeException || e instanceof EOFException || e instanceof NoSuchFileException) {
            return true;
        }
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getClass().getName().contains(".thrift.")) {
                return true;
            }
        }
        return false;
    }

    private static IOException asUnreadableIfFormatError(InputFooter input, Exception e) {
        if (isFormatError(e)) {
            return new UnreadableInputException(input, e);
        }
        return e instanceof IOException io ? io : new IOException(e);
    }

    /** The next row, or null at the end of the file. */
    GenericRecord next() throws IOException {
        try {
            return reader.read();
        } catch (IOException | RuntimeException e) {
            throw asUnreadableIfFormatError(input, e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
