package dev.compactor.job;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** A local directory named by an option (the bucket, the state directory), given as a path or a file:// URI. */
public final class LocalDirectory {
    // Two or more letters before the colon, so a Windows drive ("C:/data") stays a path.
    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

    private LocalDirectory() {}

    /** The absolute directory that option {@code key} names with {@code value}; does not touch the file system. */
    public static Path resolve(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidOptionException("--" + key + " is missing: give a directory path or a file:// URI");
        }
        Path path = URI_SCHEME.matcher(value).lookingAt() ? fromUri(key, value) : fromPath(key, value);
        return path.toAbsolutePath().normalize();
    }

    /** Creates the directory when missing and checks that it can be written. */
    public static Path prepare(String key, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidOptionException("--" + key + " " + dir + " exists but is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidOptionException("--" + key + ": cannot create directory " + dir + ": " + e);
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidOptionException("--" + key + ": directory " + dir + " is not writable");
        }
        return dir;
    }

    private static Path fromUri(String key, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidOptionException("--" + key + " '" + value + "' is not a valid URI: " + e.getMessage());
        }
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new InvalidOptionException("--" + key + " '" + value + "' uses scheme '" + uri.getScheme()
                    + "'; local mode needs a directory path or a file:// URI");
        }
        try {
            return Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new InvalidOptionException("--" + key + " '" + value
                    + "' is not a local file URI (expected file:///absolute/dir): " + e.getMessage());
        }
    }

    private static Path fromPath(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new InvalidOptionException("--" + key + " '" + value + "' is not a valid path: " + e.getMessage());
        }
    }
}
