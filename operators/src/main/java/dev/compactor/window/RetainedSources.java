package dev.compactor.window;

/**
 * The sources of one committed window generation kept under {@code _trash/} for {@code compaction.source-retention}
 * (so the generation can be un-compacted): how many bytes, and until when (wall clock). A Flink POJO: keyed state.
 */
public class RetainedSources {
    public long bytes;
    public long until;

    public RetainedSources() {}

    public RetainedSources(long bytes, long until) {
        this.bytes = bytes;
        this.until = until;
    }
}
