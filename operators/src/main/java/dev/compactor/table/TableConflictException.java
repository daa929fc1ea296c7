package dev.compactor.table;

import java.io.IOException;

/**
 * A generation that cannot go into its table as it is: the reason names the table, the column and what conflicts.
 * An IOException, so a conflict that only shows at the table commit (another writer changed the table meanwhile)
 * is retried like a store error, and the retry's {@link TableCommitter#check} refuses the generation.
 */
public final class TableConflictException extends IOException {

    public TableConflictException(String message) {
        super(message);
    }
}
