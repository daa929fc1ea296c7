package dev.compactor.store;

import dev.compactor.layout.BucketLayout;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalObjectStoreTest {

    @TempDir
    Path dir;

    private Path bucket;
    private Path outside;
    private LocalObjectStore store;

    @BeforeEach
    void setUp() throws IOException {
        bucket = Files.createDirectories(dir.resolve("bucket"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.parquet"), "not yours");
        store = new LocalObjectStore(bucket);
    }

    @Test
    void aLinkToAFileOutsideTheBucketIsNoObject() throws IOException {
        Files.createDirectories(bucket.resolve("data/ns"));
        Files.createSymbolicLink(bucket.resolve("data/ns/1-w-0.parquet"), outside.resolve("secret.parquet"));

        assertTrue(store.head("data/ns/1-w-0.parquet").isEmpty());
        assertThrows(NoSuchFileException.class, () -> store.read("data/ns/1-w-0.parquet"));
        assertThrows(NoSuchFileException.class, () -> store.inputFile("data/ns/1-w-0.parquet").newStream());
        assertTrue(store.list("data/").isEmpty());
    }

    @Test
    void aLinkedDirectoryIsNeverEntered() throws IOException {
        Files.createDirectories(bucket.resolve("data"));
        Files.createSymbolicLink(bucket.resolve("data/ns"), outside);
        Files.createSymbolicLink(bucket.resolve("_quarantine"), outside);

        assertTrue(store.head("data/ns/secret.parquet").isEmpty());
        assertThrows(NoSuchFileException.class, () -> store.read("data/ns/secret.parquet"));
        assertThrows(NoSuchFileException.class, () -> store.inputFile("data/ns/secret.parquet").newStream());
        assertTrue(store.list("data/").isEmpty());
        assertTrue(store.list("data/ns/").isEmpty(), "listed through a linked directory");
        assertTrue(store.list("_quarantine/").isEmpty(), "listed through a linked prefix directory");

        // writes, moves and deletes through the link are refused and leave the outside untouched
        assertThrows(IOException.class, () -> store.write("_quarantine/data/ns/copy.parquet", new byte[] {1}));
        assertThrows(IOException.class, () -> store.write("data/ns/secret.parquet", new byte[] {1}));
        store.write("data/other/1-w-0.parquet", new byte[] {2});
        assertThrows(IOException.class, () -> store.move("data/other/1-w-0.parquet", "data/ns/moved.parquet"));
        assertFalse(store.delete("data/ns/secret.parquet"));
        assertEquals("not yours", Files.readString(outside.resolve("secret.parquet")));
        try (var files = Files.list(outside)) {
            assertEquals(1, files.count(), "something was written outside the bucket");
        }
    }

    @Test
    void aLinkIsDeletedAsALinkNeverItsTarget() throws IOException {
        Files.createDirectories(bucket.resolve("data/ns"));
        Files.createSymbolicLink(bucket.resolve("data/ns/1-w-0.parquet"), outside.resolve("secret.parquet"));

        assertFalse(store.delete("data/ns/1-w-0.parquet"), "a link is no object, so nothing was deleted");
        assertTrue(Files.exists(outside.resolve("secret.parquet")));
    }

    @Test
    void keysAndPrefixesStayUnderTheRoot() {
        assertThrows(IllegalArgumentException.class, () -> store.head("../outside/secret.parquet"));
        assertThrows(IllegalArgumentException.class, () -> store.read("data/../../outside/secret.parquet"));
        assertThrows(IllegalArgumentException.class, () -> store.list("../outside/"));
        assertThrows(IllegalArgumentException.class, () -> store.list("data/../../outside/s"));
    }

    @Test
    void aRootThatIsItselfALinkWorks() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("linked-bucket"), bucket);
        LocalObjectStore linked = new LocalObjectStore(linkedRoot);

        linked.write("data/ns/1-w-0.parquet", "rows".getBytes(StandardCharsets.UTF_8));

        assertArrayEquals("rows".getBytes(StandardCharsets.UTF_8), linked.read("data/ns/1-w-0.parquet"));
        assertEquals(4, linked.head("data/ns/1-w-0.parquet").orElseThrow().size());
        assertEquals(1, linked.list("data/").size());
        try (var in = linked.inputFile("data/ns/1-w-0.parquet").newStream()) {
            assertEquals('r', in.read());
        }
    }

    @Test
    void aWriteIsSyncedBeforeItsRenameAndItsDirectoriesAfter() throws IOException {
        List<String> syncs = new ArrayList<>();
        String manifest = "_manifests/ns/0-g0.json";
        LocalObjectStore durable = new LocalObjectStore(bucket, new LocalObjectStore.Durability() {
            @Override
            public void syncFile(FileChannel file) throws IOException {
                syncs.add("file " + file.size() + " bytes, manifest visible: " + Files.exists(bucket.resolve(manifest)));
            }

            @Override
            public void syncDirectory(Path d) {
                syncs.add("dir " + bucket.relativize(d) + ", manifest visible: " + Files.exists(bucket.resolve(manifest)));
            }
        });

        durable.write(manifest, new byte[] {1, 2, 3});

        assertEquals(List.of("file 3 bytes, manifest visible: false", "dir _manifests/ns, manifest visible: true",
                "dir _manifests, manifest visible: true", "dir , manifest visible: true"), syncs);
    }

    @Test
    void aPublishedPartAndAStagedOutputSyncEveryDirectoryUpToTheRoot() throws IOException {
        List<Path> dirs = new ArrayList<>();
        LocalObjectStore durable = new LocalObjectStore(bucket, new LocalObjectStore.Durability() {
            @Override
            public void syncFile(FileChannel file) {}

            @Override
            public void syncDirectory(Path d) {
                dirs.add(bucket.relativize(d));
            }
        });

        try (OutputStream out = durable.outputFile("_staging/ns/0-g0-a0/p0.parquet").create(0)) {
            out.write(7);
        }
        assertEquals(List.of(Path.of("_staging/ns/0-g0-a0"), Path.of("_staging/ns"), Path.of("_staging"), Path.of("")),
                dirs);

        dirs.clear();
        durable.move("_staging/ns/0-g0-a0/p0.parquet", "data/ns/year=2024/compacted-0-g0-p0.parquet");
        assertEquals(List.of(Path.of("data/ns/year=2024"), Path.of("data/ns"), Path.of("data"), Path.of("")), dirs);
    }
    @Test
    void writeIfAbsentCreatesOnlyAndNeverReplaces() throws IOException {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);

        assertTrue(store.writeIfAbsent("_manifests/ns/0-g0.json", first));
        assertFalse(store.writeIfAbsent("_manifests/ns/0-g0.json", "second".getBytes(StandardCharsets.UTF_8)));

        assertArrayEquals(first, store.read("_manifests/ns/0-g0.json"));
        assertEquals(List.of("_manifests/ns/0-g0.json"),
                store.list("_manifests/").stream().map(ObjectInfo::key).toList(), "no temporary file is left");
    }

    /** The bucket watcher's poll does not walk compacted partitions: their cost must not grow with the output. */
    @Test
    void aListingSkipsTheDirectoriesItIsToldToSkip() throws IOException {
        byte[] bytes = {1};
        store.write("data/ns/1-w-0.parquet", bytes);
        store.write("data/ns/year=2026/month=12/day=07/hour=10/compacted-1-g0-p0.parquet", bytes);
        store.write("data/other/2-w-0.parquet", bytes);

        assertEquals(List.of("data/ns/1-w-0.parquet", "data/other/2-w-0.parquet"),
                store.list("data/", BucketLayout::isOutputPartition).stream()
                        .map(ObjectInfo::key).toList());
        assertEquals(3, store.list("data/").size(), "the plain listing still holds everything");
    }
}
