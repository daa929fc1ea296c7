package dev.compactor.merge.sort;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A private directory for one merge's sort runs. It is created on the first spill only (a window that sorts in
 * memory leaves no trace) and removed with everything in it on close.
 */
public final class SpillDirectory implements Closeable {

    private final Path root;
    private final Set<Path> files = new LinkedHashSet<>();
    private Path dir;
    private int created;

    public SpillDirectory(Path root) {
        this.root = root;
    }

    public Path newRunFile() throws IOException {
        if (dir == null) {
            Files.createDirectories(root);
            dir = Files.createTempDirectory(root, "merge-spill-");
        }
        Path run = dir.resolve("run-" + created++ + ".parquet");
        files.add(run);
        return run;
    }

    public void delete(Path run) throws IOException {
        Files.deleteIfExists(run);
        files.remove(run);
    }

    @Override
    public void close() throws IOException {
        if (dir == null) {
            return;
        }
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
        files.clear();
        Files.deleteIfExists(dir);
        dir = null;
    }
}
