package dev.compactor.merge;

import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;

import java.io.Closeable;
import java.io.IOException;

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

    static SourceRows open(ObjectStore store, InputFooter input, Schema windowSchema) throws UnreadableInputException {
        try {
            return new SourceRows(input, AvroParquet.reader(store.inputFile(input.key()), windowSchema));
        } catch (IOException | RuntimeException e) {
            throw new UnreadableInputException(input, e);
        }
    }

    /** The next row, or null at the end of the file. */
    GenericRecord next() throws UnreadableInputException {
        try {
            return reader.read();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableInputException(input, e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
