package dev.compactor.merge;

import java.util.Comparator;
import java.util.Objects;

/** One input of a compaction: a writer's small file. Flink POJO. */
public class SourceFile {

    /** File order when no sort column is set: timestamp, then writer, then sequence. */
    public static final Comparator<SourceFile> FILE_ORDER = Comparator.comparingLong((SourceFile f) -> f.fileTimeMillis)
            .thenComparing(f -> f.writerId)
            .thenComparingLong(f -> f.seq)
            .thenComparing(f -> f.key);

    public String key;
    public long size;
    public String eTag;
    public String writerId;
    public long seq;
    public long fileTimeMillis;

    public SourceFile() {}

    public SourceFile(String key, long size, String eTag, String writerId, long seq, long fileTimeMillis) {
        this.key = key;
        this.size = size;
        this.eTag = eTag;
        this.writerId = writerId;
        this.seq = seq;
        this.fileTimeMillis = fileTimeMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SourceFile)) {
            return false;
        }
        SourceFile f = (SourceFile) o;
        return size == f.size && seq == f.seq && fileTimeMillis == f.fileTimeMillis && Objects.equals(key, f.key)
                && Objects.equals(eTag, f.eTag) && Objects.equals(writerId, f.writerId);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }
}
