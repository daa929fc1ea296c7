package dev.compactor.merge.fuzz;

import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local bucket whose Parquet outputs are written straight to their files. The real store syncs every object to
 * disk and renames it into place; a case stages dozens of tiny parts, and those syncs (15-25 ms each on a shared
 * disk) would take most of the run while testing nothing this test is about.
 */
final class UnsyncedLocalStore extends ForwardingObjectStore {

    private final LocalObjectStore local;

    UnsyncedLocalStore(Path root) {
        this(new LocalObjectStore(root));
    }

    private UnsyncedLocalStore(LocalObjectStore local) {
        super(local);
        this.local = local;
    }

    Path pathOf(String key) {
        return local.pathOf(key);
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        Path target = local.pathOf(key);
        Files.createDirectories(target.getParent());
        return new LocalOutputFile(target);
    }
}
