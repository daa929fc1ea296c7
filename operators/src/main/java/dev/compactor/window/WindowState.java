package dev.compactor.window;

import java.util.Locale;

/**
 * The runbook's window states, as this job realises them.
 * <ul>
 *   <li>{@code pending}: collecting files, or waiting for readiness (or for a retry after a processing timeout);</li>
 *   <li>{@code processing}: the frozen file set was sent to the merge, which has not staged all parts yet;</li>
 *   <li>{@code dispatched}: every part is staged; the next completed checkpoint commits it;</li>
 *   <li>deleted: the manifest is seen; the window's state is removed;</li>
 *   <li>{@code failed}: every allowed attempt failed; the files stay untouched until an operator rolls it back.</li>
 * </ul>
 */
public enum WindowState {
    PENDING, PROCESSING, DISPATCHED, FAILED;

    /** The name operators read in status JSON, as the runbook spells it. */
    public String runbookName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
