package dev.compactor.store;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.Set;

/**
 * Paths under a bucket root, resolved without following a symbolic link anywhere below the root. Whoever can write
 * into the bucket directory could otherwise plant a link and have the job read, list or quarantine-copy a file
 * outside it, or write and delete through it. The root itself may be a link: it is the operator's choice.
 *
 * <p>Reads walk down from the root one directory descriptor at a time ({@link SecureDirectoryStream}, i.e.
 * {@code openat} with {@code O_NOFOLLOW}), so a directory swapped for a link between a check and the open is never
 * entered. Where the platform has no secure directory streams, and for writes, moves and deletes, every component
 * is checked with {@code lstat} before the operation: a link planted in the instant between the check and the
 * operation is not caught there (a read's last component is still opened with {@code O_NOFOLLOW}).
 */
final class LinkFreePaths {

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path root;

    LinkFreePaths(Path root) {
        this.root = root;
    }

    /** The attributes of the regular file {@code file}; empty when it, or a directory on its way, is missing or a link. */
    Optional<BasicFileAttributes> regularFile(Path file) throws IOException {
        try (Parent parent = parentOf(file)) {
            if (parent == null) {
                return Optional.empty();
            }
            BasicFileAttributes attrs = parent.attributes(file.getFileName());
            return attrs != null && attrs.isRegularFile() ? Optional.of(attrs) : Optional.empty();
        }
    }

    /** Opens the regular file {@code file} for reading; NoSuchFileException when {@link #regularFile} is empty. */
    SeekableByteChannel openRead(Path file) throws IOException {
        try (Parent parent = parentOf(file)) {
            BasicFileAttributes attrs = parent == null ? null : parent.attributes(file.getFileName());
            if (attrs == null || !attrs.isRegularFile()) {
                throw new NoSuchFileException(root.relativize(file).toString(), null,
                        "no such object in bucket " + root + " (a symbolic link is not an object)");
            }
            return parent.openRead(file.getFileName());
        }
    }

    /**
     * Whether every directory from the root down to {@code dir} exists as a directory and none is a link: only then
     * may the store list, write or delete in it.
     */
    boolean isRealDirectory(Path dir) throws IOException {
        Path p = root;
        for (Path name : root.relativize(dir)) {
            if (name.toString().isEmpty()) {
                break; // dir is the root
            }
            p = p.resolve(name);
            BasicFileAttributes attrs = lstat(p);
            if (attrs == null || !attrs.isDirectory()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Creates {@code dir} and the directories above it one at a time, refusing one that exists as a link or a file:
     * a write must not create anything, nor land, outside the root.
     */
    void createRealDirectories(Path dir) throws IOException {
        Files.createDirectories(root); // the root and what lies above it are the operator's, links or not
        Path p = root;
        for (Path name : root.relativize(dir)) {
            if (name.toString().isEmpty()) {
                break; // dir is the root
            }
            p = p.resolve(name);
            BasicFileAttributes attrs = lstat(p);
            if (attrs == null) {
                try {
                    Files.createDirectory(p);
                    continue;
                } catch (FileAlreadyExistsException concurrentlyCreated) {
                    attrs = lstat(p);
                }
            }
            if (attrs == null) {
                throw new NoSuchFileException(p.toString(), null, "deleted while created"); // the caller retries
            }
            if (!attrs.isDirectory()) {
                throw new FileSystemException(p.toString(), null,
                        "not a directory of bucket " + root + ": a symbolic link or a file");
            }
        }
    }

    /** {@code lstat}: the attributes of {@code p} itself, a link included; null when it does not exist. */
    static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The directory holding {@code file}, entered without following links; null when there is no such directory. */
    private Parent parentOf(Path file) throws IOException {
        Path dir = file.getParent();
        DirectoryStream<Path> top;
        try {
            top = Files.newDirectoryStream(root);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!(top instanceof SecureDirectoryStream<Path> secure)) {
            top.close();
            return isRealDirectory(dir) ? new CheckedParent(dir) : null;
        }
        SecureDirectoryStream<Path> current = secure;
        try {
            for (Path name : root.relativize(dir)) {
                if (name.toString().isEmpty()) {
                    break; // the file lies in the root itself
                }
                BasicFileAttributes attrs = attributesIn(current, name);
                if (attrs == null || !attrs.isDirectory()) {
                    current.close();
                    return null;
                }
                // O_NOFOLLOW: a directory replaced by a link since the line above fails here instead of being entered
                SecureDirectoryStream<Path> child = current.newDirectoryStream(name, NO_FOLLOW);
                current.close();
                current = child;
            }
            return new SecureParent(current);
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    private static BasicFileAttributes attributesIn(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            return dir.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** An open directory of the bucket with no link on the way to it from the root. */
    private interface Parent extends AutoCloseable {
        /** Attributes of the entry {@code name} itself (never a link's target); null when absent. */
        BasicFileAttributes attributes(Path name) throws IOException;

        SeekableByteChannel openRead(Path name) throws IOException;

        @Override
        void close() throws IOException;
    }

    private record SecureParent(SecureDirectoryStream<Path> dir) implements Parent {
        @Override
        public BasicFileAttributes attributes(Path name) throws IOException {
            return attributesIn(dir, name);
        }

        @Override
        public SeekableByteChannel openRead(Path name) throws IOException {
            return dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        }

        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    private record CheckedParent(Path dir) implements Parent {
        @Override
        public BasicFileAttributes attributes(Path name) throws IOException {
            return lstat(dir.resolve(name));
        }

        @Override
        public SeekableByteChannel openRead(Path name) throws IOException {
            return Files.newByteChannel(dir.resolve(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public void close() {}
    }
}
