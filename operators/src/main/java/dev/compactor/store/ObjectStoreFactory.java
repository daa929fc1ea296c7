package dev.compactor.store;

import java.io.IOException;
import java.io.Serializable;

/** Opens the bucket on the task manager; the job ships this instead of an open connection. */
@FunctionalInterface
public interface ObjectStoreFactory extends Serializable {
    ObjectStore open() throws IOException;
}
