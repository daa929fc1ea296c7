package dev.compactor.store;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;
import java.io.EOFException;

/** A Parquet input over an object already read into memory, such as one fetched ahead of a merge. */
public final class InMemoryInputFile implements InputFile {

    private final String name;
    private final byte[] bytes;

    public InMemoryInputFile(String name, byte[] bytes) {
        if (name == null || bytes == null) {
            throw new IllegalArgumentException("an in-memory input needs a name and bytes, got name=" + name);
        }
        this.name = name;
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
        Positioned in = new Positioned(bytes);
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
    }
}
