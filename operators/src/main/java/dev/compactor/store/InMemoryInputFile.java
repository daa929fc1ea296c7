package dev.compactor.store;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A Parquet input over an object already read into memory, such as one fetched ahead of a merge. */
public final class InMemoryInputFile implements InputFile {

    private final String name;
    private final long length;
    private byte[] bytes;
    private final List<Positioned> streams = new ArrayList<>();

    public InMemoryInputFile(String name, byte[] bytes) {
        if (name == null || bytes == null) {
            throw new IllegalArgumentException("an in-memory input needs a name and bytes, got name=" + name);
        }
        this.name = name;
        this.length = bytes.length;
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return length;
    }

    /**
     * The file's bytes, for a reader that takes pages out of them where they lie rather than through a stream; not
     * to be changed.
     */
    public byte[] bytes() throws IOException {
        if (bytes == null) {
            throw new IOException(name + " was released: its bytes are no longer held");
        }
        return bytes;
    }

    /**
     * Drops the bytes once nothing more will be read, so that a file whose row groups were read out of it is not
     * held a second time for as long as its reader stays open. Any later read fails.
     */
    public void release() {
        bytes = null;
        streams.forEach(Positioned::drop);
        streams.clear();
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        if (bytes == null) {
            throw new IOException(name + " was released: its bytes are no longer held");
        }
        byte[] bytes = this.bytes;
        Positioned in = new Positioned(bytes);
        streams.add(in);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() {
                return in.position();
            }

            @Override
            public void seek(long newPos) throws EOFException {
                if (newPos < 0 || newPos > bytes.length) {
                    throw new EOFException("cannot seek to " + newPos + " in " + name + " of " + bytes.length + " bytes");
                }
                in.moveTo((int) newPos);
            }
        };
    }

    @Override
    public String toString() {
        return name;
    }

    /** A byte array stream whose position can be read and set. */
    private static final class Positioned extends ByteArrayInputStream {
        Positioned(byte[] bytes) {
            super(bytes);
        }

        long position() {
            return pos;
        }

        void moveTo(int position) {
            pos = position;
        }

        /** Reads nothing more: every later read is at the end. */
        void drop() {
            buf = new byte[0];
            pos = 0;
            count = 0;
        }
    }
}
