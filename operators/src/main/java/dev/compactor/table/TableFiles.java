package dev.compactor.table;

import java.io.IOException;
import java.util.Map;

/**
 * The data files a namespace's table lists in its current version, for checking a bucket against its tables
 * ({@code bin/compactor verify}): by bucket key where a file lies in the bucket, with how often each is listed.
 */
public interface TableFiles extends AutoCloseable {

    /** The table of {@code namespace}, as findings name it. */
    String tableName(String namespace);

    /** Data file → how many times the current version lists it; empty when the table does not exist. */
    Map<String, Integer> of(String namespace) throws IOException;

    @Override
    void close() throws IOException;
}
