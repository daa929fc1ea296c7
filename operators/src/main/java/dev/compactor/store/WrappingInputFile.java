package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.util.Objects;

/**
 * A Parquet input that reads through another one and wraps each stream it opens (to count the bytes a merge moves,
 * to give up a cancelled merge); its length is the source's.
 */
public abstract class WrappingInputFile implements InputFile {

    private final InputFile source;

    protected WrappingInputFile(InputFile source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The stream readers get, around the source's stream. */
    protected abstract SeekableInputStream wrap(SeekableInputStream in) throws IOException;

    @Override
    public long getLength() throws IOException {
        return source.getLength();
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        return wrap(source.newStream());
    }
}
