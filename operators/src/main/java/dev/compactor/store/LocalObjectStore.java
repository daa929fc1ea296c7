package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A local directory used as the bucket. Keys map to paths under the root. Writes go to a hidden temporary file
 * in the target directory and are renamed into place, so they are atomic and a listing never shows them
 * (hidden names, starting with '.', are not objects).
 */
public final class LocalObjectStore implements ObjectStore {

    private final Path root;

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
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
        // Walk only the deepest directory the prefix names, then filter on the full key.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<ObjectInfo> out = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(start) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
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
        Path p = pathOf(key);
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            return attrs.isRegularFile() ? Optional.of(info(key, attrs)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputFile inputFile(String key) throws IOException {
        Path p = pathOf(key);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(key, null, "no such object in bucket " + root);
        }
        return new ChannelInputFile(p);
    }

    /**
     * A Parquet input over any local file (not only the bucket's), with the same whole-request reads as
     * {@link #inputFile}; used for local scratch files such as sort runs.
     */
    public static InputFile fileInput(Path file) {
        return new ChannelInputFile(file);
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        Path target = pathOf(key);
        Files.createDirectories(target.getParent());
        return new AtomicLocalOutputFile(target);
    }

    @Override
    public byte[] read(String key) throws IOException {
        return Files.readAllBytes(pathOf(key));
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        Path target = pathOf(key);
        Files.createDirectories(target.getParent());
        Path tmp = temporarySibling(target);
        try {
            inFreshDirectory(tmp, () -> Files.write(tmp, content));
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void move(String from, String to) throws IOException {
        Path target = pathOf(to);
        Path source = pathOf(from);
        inFreshDirectory(target, () -> {
            moveIntoPlace(source, target);
            return target;
        });
    }

    @Override
    public boolean delete(String key) throws IOException {
        Path p = pathOf(key);
        boolean deleted = Files.deleteIfExists(p);
        removeEmptyParents(p.getParent());
        return deleted;
    }

    /** An I/O action that creates {@code file}. */
    interface FileCreation<T> {
        T run() throws IOException;
    }

    /**
     * Runs an action that creates a file, recreating its directory if a concurrent delete removed it as empty in
     * the meantime (deletes prune empty parents; merges of other windows write beside them).
     */
    static <T> T inFreshDirectory(Path file, FileCreation<T> creation) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(file.getParent());
                return creation.run();
            } catch (NoSuchFileException e) {
                if (attempt == 3) {
                    throw e;
                }
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
