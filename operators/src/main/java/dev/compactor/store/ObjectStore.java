package dev.compactor.store;

import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The bucket, as the job sees it: every operation the merge and the commit need, and nothing else.
 *
 * <p>Writes are atomic: an object written through {@link #outputFile} or {@link #write} becomes visible
 * under its key only when complete, so a reader or a listing never sees half an object.
 */
public interface ObjectStore extends AutoCloseable {

    /** Every object whose key starts with {@code prefix}, recursively, in key order. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /**
     * As {@link #list(String)}, except that the objects under a directory for which {@code skipDirectory} holds (given
     * the directory's key, ending in '/') may be left out: a store that walks a tree does not enter it, one with a
     * flat listing lists it anyway. Callers that must not see those objects filter them too.
     */
    default List<ObjectInfo> list(String prefix, Predicate<String> skipDirectory) throws IOException {
        return list(prefix);
    }

    Optional<ObjectInfo> head(String key) throws IOException;

    /** A Parquet input over the object, with efficient positional reads. */
    InputFile inputFile(String key) throws IOException;

    /** A Parquet output that appears under {@code key} only when its stream is closed. Overwrites. */
    OutputFile outputFile(String key) throws IOException;

    byte[] read(String key) throws IOException;

    /** Writes the whole object atomically, overwriting. */
    void write(String key, byte[] content) throws IOException;

    /**
     * Writes the whole object atomically only while no object exists under {@code key}, and says whether it did:
     * false means an object was already there and nothing was written. The existence check and the write are one
     * step (a conditional put, an exclusive create), so of two writers racing for a commit record exactly one wins
     * and neither replaces the other's.
     */
    boolean writeIfAbsent(String key, byte[] content) throws IOException;

    /**
     * Makes {@code from} visible as {@code to} and removes {@code from}: an atomic rename where the store
     * has one, else a copy followed by a delete. A local directory overwrites {@code to}; S3 never replaces an
     * existing {@code to}: one of the source's size is taken as an earlier, interrupted move (only {@code from} is
     * deleted), one of another size is an error.
     */
    void move(String from, String to) throws IOException;

    /** Deletes the object; returns false when it did not exist (so replays are harmless). */
    boolean delete(String key) throws IOException;

    /**
     * Deletes the object only while it is the version given by its size and eTag (a null eTag checks the size
     * only, for records written before eTags were kept): a key written again since stays, as the new file it is.
     * Returns false when the object is absent or another version. This compares a head with the version and then
     * deletes, so a rewrite landing between the two is lost; a store that can make the delete itself conditional
     * overrides it.
     */
    default boolean deleteVersion(String key, long size, String eTag) throws IOException {
        Optional<ObjectInfo> current = head(key);
        if (current.isEmpty() || !current.get().isVersion(size, eTag)) {
            return false;
        }
        return delete(key);
    }

    @Override
    default void close() throws IOException {}
}
