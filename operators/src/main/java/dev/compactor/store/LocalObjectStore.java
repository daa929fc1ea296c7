package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A local directory used as the bucket. Keys map to paths under the root. Writes go to a hidden temporary file
 * in the target directory and are renamed into place, so they are atomic and a listing never shows them
 * (hidden names, starting with '.', are not objects).
 *
 * <p>No operation follows a symbolic link below the root ({@link LinkFreePaths}): a link is not an object, and
 * nothing is read, listed, written or deleted through a linked directory. Every write is durable when it returns:
 * the file is synced before its rename and every directory from its own up to the root after it, so a manifest
 * that survives a power loss never lists an output that did not.
 */
public final class LocalObjectStore implements ObjectStore {

    /** How a write is made durable: the contents of a file, the entries of a directory. */
    interface Durability {
        void syncFile(FileChannel file) throws IOException;

        void syncDirectory(Path dir) throws IOException;
    }

    private static final Durability FSYNC = new Durability() {
        @Override
        public void syncFile(FileChannel file) throws IOException {
            file.force(true);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    };

    private final Path root;
    private final LinkFreePaths paths;
    private final Durability durability;

    public LocalObjectStore(Path root) {
        this(root, FSYNC);
    }

    LocalObjectStore(Path root, Durability durability) {
        this.root = root.toAbsolutePath().normalize();
        this.paths = new LinkFreePaths(this.root);
        this.durability = durability;
    }

    public Path root() {
        return root;
    }

    /** The file that holds {@code key}; refuses keys that would escape the root. */
    public Path pathOf(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("object key must be a non-empty relative path, was '" + key + "'");
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalArgumentException("object key '" + key + "' points outside the bucket " + root);
        }
        return p;
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        return list(prefix, directory -> false);
    }

    /** Does not enter the directories {@code skipDirectory} names: their objects cost nothing to leave out. */
    @Override
    public List<ObjectInfo> list(String prefix, Predicate<String> skipDirectory) throws IOException {
        // Walk only the deepest directory the prefix names, then filter on the full key.
        int slash = prefix.lastIndexOf('/');
        Path start = root.resolve(slash < 0 ? "" : prefix.substring(0, slash)).normalize();
        if (!start.startsWith(root)) {
            throw new IllegalArgumentException("prefix '" + prefix + "' points outside the bucket " + root);
        }
        if (!paths.isRealDirectory(start) || !Files.isDirectory(start)) {
            return List.of();
        }
        List<ObjectInfo> out = new ArrayList<>();
        // Without FOLLOW_LINKS the walk reads attributes with lstat: a linked file is no regular file, a linked
        // directory is not entered.
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(start)) {
                    return FileVisitResult.CONTINUE;
                }
                return isHidden(dir) || skipDirectory.test(keyOf(dir) + "/") ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !isHidden(file)) {
                    String key = keyOf(file);
                    if (key.startsWith(prefix)) {
                        out.add(info(key, attrs));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we listed: simply not there any more
                }
                throw e;
            }
        });
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        return paths.regularFile(pathOf(key)).map(attrs -> info(key, attrs));
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        Path p = pathOf(key);
        if (paths.regularFile(p).isEmpty()) {
            throw new NoSuchFileException(key, null, "no such object in bucket " + root);
        }
        return new ChannelInputFile(() -> paths.openRead(p), p.toString());
    }

    /**
     * A Parquet input over any local file (not only the bucket's), with the same whole-request reads as
     * {@link #inputFile}; used for local scratch files such as sort runs.
     */
    public static InputFile fileInput(Path file) {
        return new ChannelInputFile(() -> Files.newByteChannel(file, StandardOpenOption.READ), file.toString());
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        Path target = pathOf(key);
        inRealDirectory(target, () -> target);
        return new AtomicLocalOutputFile(target, this);
    }

    @Override
    public byte[] read(String key) throws IOException {
        try (SeekableByteChannel channel = paths.openRead(pathOf(key))) {
            return Channels.newInputStream(channel).readAllBytes();
        }
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        Path target = pathOf(key);
        Path tmp = temporarySibling(target);
        try {
            writeSynced(tmp, content);
            moveIntoPlace(tmp, target);
            syncDirectories(target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Links the complete temporary file under the key: link(2) fails when the name exists (a link included) and
     * never replaces it, where a rename would replace silently.
     */
    @Override
    public boolean writeIfAbsent(String key, byte[] content) throws IOException {
        Path target = pathOf(key);
        Path tmp = temporarySibling(target);
        try {
            writeSynced(tmp, content);
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            syncDirectories(target);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code file} anew with {@code content} and syncs it, in a directory free of links. */
    private void writeSynced(Path file, byte[] content) throws IOException {
        inRealDirectory(file, () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                durability.syncFile(channel);
            }
            return file;
        });
    }

    @Override
    public void move(String from, String to) throws IOException {
        Path target = pathOf(to);
        Path source = pathOf(from);
        if (paths.regularFile(source).isEmpty()) {
            throw new NoSuchFileException(from, null, "no such object in bucket " + root);
        }
        inRealDirectory(target, () -> {
            moveIntoPlace(source, target);
            return target;
        });
        // The source's directory is not synced: a source that reappears after a power loss is only a staging
        // leftover, which the commit's replay clears.
        syncDirectories(target);
    }

    @Override
    public boolean delete(String key) throws IOException {
        Path p = pathOf(key);
        if (!paths.isRealDirectory(p.getParent())) {
            return false;
        }
        BasicFileAttributes attrs = LinkFreePaths.lstat(p);
        if (attrs == null || !attrs.isRegularFile()) {
            return false; // a link is no object: never deleted here, let alone its target
        }
        boolean deleted = Files.deleteIfExists(p);
        removeEmptyParents(p.getParent());
        return deleted;
    }

    /** An I/O action that creates {@code file}. */
    interface FileCreation<T> {
        T run() throws IOException;
    }

    /**
     * Runs an action that creates a file once its directory exists and has no link on its way from the root,
     * recreating the directory if a concurrent delete removed it as empty in the meantime (deletes prune empty
     * parents; merges of other windows write beside them).
     */
    <T> T inRealDirectory(Path file, FileCreation<T> creation) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                paths.createRealDirectories(file.getParent());
                return creation.run();
            } catch (NoSuchFileException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Makes a file renamed into place durable: syncs its directory and every one above it up to the root, as any
     * of them may have just been created.
     */
    void syncDirectories(Path file) throws IOException {
        for (Path dir = file.getParent(); dir.startsWith(root); dir = dir.getParent()) {
            durability.syncDirectory(dir);
            if (dir.equals(root)) {
                return;
            }
        }
    }

    static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Empty directories left by deleted objects are not objects; removing them keeps listings cheap. */
    private void removeEmptyParents(Path dir) {
        while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
            try {
                Files.delete(dir);
            } catch (IOException notEmptyOrGone) {
                return;
            }
            dir = dir.getParent();
        }
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static boolean isHidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static ObjectInfo info(String key, BasicFileAttributes attrs) {
        long mtime = attrs.lastModifiedTime().toMillis();
        return new ObjectInfo(key, attrs.size(), mtime, Long.toHexString(attrs.size()) + "-" + Long.toHexString(mtime));
    }

    @Override
    public String toString() {
        return "LocalObjectStore(" + root + ")";
    }

}
