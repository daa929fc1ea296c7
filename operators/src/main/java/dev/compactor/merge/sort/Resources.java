package dev.compactor.merge.sort;

import java.io.Closeable;
import java.io.IOException;

/** Closing the inputs a merge holds open at once (sort runs, sorted sources). */
public final class Resources {

    private Resources() {}

    /** Closes every one, even after a failure; throws the first failure with the later ones suppressed. */
    public static void closeAll(Iterable<? extends Closeable> resources) throws IOException {
        IOException first = null;
        for (Closeable resource : resources) {
            try {
                resource.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
