package dev.compactor.store;

import java.io.IOException;
import java.io.Serializable;

/**
 * Opens the bucket where a Flink function or source runs: the store itself holds clients and connections that cannot
 * be shipped with the job graph, this recipe can.
 */
public interface ObjectStoreFactory extends Serializable {
    ObjectStore open() throws IOException;
}
