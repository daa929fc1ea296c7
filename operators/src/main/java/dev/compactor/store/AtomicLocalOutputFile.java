package dev.compactor.store;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes to a hidden temporary sibling, synced to disk behind the writes ({@link SyncBehindStream}), and renames it
 * over the target on close, after a final fsync; then syncs the directories the rename changed.
 */
final class AtomicLocalOutputFile implements OutputFile {

    private final Path target;
    private final LocalObjectStore store;

    AtomicLocalOutputFile(Path target, LocalObjectStore store) {
        this.target = target;
        this.store = store;
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
        FileChannel channel = store.inRealDirectory(tmp,
                () -> FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        return new RenamingStream(tmp, new SyncBehindStream(channel));
    }

    private final class RenamingStream extends TemporaryFileStream {
        private final SyncBehindStream file;

        RenamingStream(Path tmp, SyncBehindStream file) {
            super(tmp, file);
            this.file = file;
        }

        @Override
        protected void publish(Path tmp, long size, OutputStream flushed) throws IOException {
            file.sync();
            flushed.close();
            LocalObjectStore.moveIntoPlace(tmp, target);
            store.syncDirectories(target);
        }
    }
}
