package dev.compactor.window;

import dev.compactor.merge.SourceFile;

/** One pending source file in WindowTracker's state, keyed by its object key. A Flink POJO. */
public class FileRecord {
    public long windowStart;
    public int generation;
    public long size;
    public String eTag;
    public String writerId;
    public long seq;
    public long fileTimeMillis;

    public FileRecord() {}

    public FileRecord(long windowStart, int generation, long size, String eTag, String writerId, long seq,
                      long fileTimeMillis) {
        this.windowStart = windowStart;
        this.generation = generation;
        this.size = size;
        this.eTag = eTag;
        this.writerId = writerId;
        this.seq = seq;
        this.fileTimeMillis = fileTimeMillis;
    }

    public boolean belongsTo(long windowStart, int generation) {
        return this.windowStart == windowStart && this.generation == generation;
    }

    public SourceFile toSourceFile(String key) {
        return new SourceFile(key, size, eTag, writerId, seq, fileTimeMillis);
    }
}
