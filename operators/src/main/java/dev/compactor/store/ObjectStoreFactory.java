package dev.compactor.store;

import java.io.IOException;
import java.io.Serializable;

/**
 * Opens the bucket where the code runs. Operators are serialised on the client and shipped to the task
 * managers, and a store holds connections and clients that do not travel; the factory does.
 */
@FunctionalInterface
public interface ObjectStoreFactory extends Serializable {

    ObjectStore open() throws IOException;
}
