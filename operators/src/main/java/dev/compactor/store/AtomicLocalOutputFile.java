package dev.compactor.store;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes to a hidden temporary sibling and renames it over the target on close, after an fsync. */
final class AtomicLocalOutputFile implements OutputFile {

    private static final int BUFFER = 1 << 16;
    private final Path target;

    AtomicLocalOutputFile(Path target) {
        this.target = target;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return open();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return open();
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return target.toString();
    }

    private PositionOutputStream open() throws IOException {
        Path tmp = LocalObjectStore.temporarySibling(target);
        FileChannel channel = LocalObjectStore.inFreshDirectory(tmp,
                () -> FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        return new RenamingStream(tmp, target, channel);
    }

    private static final class RenamingStream extends PositionOutputStream {
        private final Path tmp;
        private final Path target;
        private final FileChannel channel;
        private final OutputStream out;
        private long pos;
        private boolean closed;

        RenamingStream(Path tmp, Path target, FileChannel channel) {
            this.tmp = tmp;
            this.target = target;
            this.channel = channel;
            this.out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pos += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.flush();
                channel.force(true);
                out.close();
                LocalObjectStore.moveIntoPlace(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
