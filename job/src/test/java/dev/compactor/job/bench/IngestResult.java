package dev.compactor.job.bench;

/**
 * What one WindowTracker ingestion scenario measured. {@code cpuMicrosPerEvent} is the whole JVM's CPU time over
 * the timed span per event, which stays comparable when other processes share the cores. {@code stateBytes} is the
 * tracker's full state in the checkpoint taken after the last event (all shared RocksDB files included, not only
 * the increment). {@code dispatched} counts compaction tasks the tracker sent, which should be none.
 */
record IngestResult(int namespaces, long events, double eventsPerSecond, double seconds, double cpuMicrosPerEvent,
                    long checkpointsDuringIngest, long stateBytes, long dispatched) {

    /** Every generated notification names a distinct new file, so the tracker holds one file per event. */
    double stateBytesPerFile() {
        return (double) stateBytes / events;
    }
}
