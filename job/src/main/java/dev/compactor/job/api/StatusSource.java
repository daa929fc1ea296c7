package dev.compactor.job.api;

import java.util.Map;

/** Where the API reads the job's status from: every WindowTracker key's newest snapshot, as JSON. */
@FunctionalInterface
public interface StatusSource {

    /**
     * @return tracker key → JSON of its {@link dev.compactor.status.NamespaceSnapshot}; empty while nothing is tracked
     * @throws StatusUnavailableException when the job cannot be asked (not running yet, restarting, unreachable)
     */
    Map<String, String> snapshots() throws StatusUnavailableException;
}
