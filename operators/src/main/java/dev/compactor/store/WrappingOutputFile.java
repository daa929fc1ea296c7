package dev.compactor.store;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.util.Objects;

/**
 * A Parquet output that writes through another one and wraps the stream it opens (to hash the bytes, to announce
 * the object once it is closed); everything else is the target's.
 */
public abstract class WrappingOutputFile implements OutputFile {

    private final OutputFile target;

    protected WrappingOutputFile(OutputFile target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The stream writers get, around the target's stream. */
    protected abstract PositionOutputStream wrap(PositionOutputStream out) throws IOException;

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return wrap(target.create(blockSizeHint));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return wrap(target.createOrOverwrite(blockSizeHint));
    }

    @Override
    public boolean supportsBlockSize() {
        return target.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
        return target.defaultBlockSize();
    }

    @Override
    public String getPath() {
        return target.getPath();
    }
}
