package dev.compactor.window;

import java.util.Locale;

/** How loaded a namespace's compaction is, from the windows it has handed to the merge and not yet committed. */
public enum Backpressure {
    NONE, NORMAL, SEVERE;

    /** The name operators read in status JSON, as the runbook spells it. */
    public String runbookName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
