package dev.compactor.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A ready window generation with its frozen file set, sent from WindowTracker to the merge.
 * A retry after a processing timeout carries the same files and generation with a higher attempt.
 * Flink POJO; its type information (with the list) is declared in the operator wiring.
 */
public class CompactionTask {

    public String namespace;
    public long windowStart;
    public long windowEnd;
    public int generation;
    public int attempt;
    /** In {@link SourceFile#FILE_ORDER}. */
    public List<SourceFile> files = new ArrayList<>();

    public CompactionTask() {}

    public CompactionTask(String namespace, long windowStart, long windowEnd, int generation, int attempt,
                          List<SourceFile> files) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("window end " + windowEnd + " must be after its start " + windowStart);
        }
        if (generation < 0 || attempt < 0) {
            throw new IllegalArgumentException("generation and attempt must be >= 0, were " + generation + ", " + attempt);
        }
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.generation = generation;
        this.attempt = attempt;
        this.files = new ArrayList<>(files);
        this.files.sort(SourceFile.FILE_ORDER);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CompactionTask)) {
            return false;
        }
        CompactionTask t = (CompactionTask) o;
        return windowStart == t.windowStart && windowEnd == t.windowEnd && generation == t.generation
                && attempt == t.attempt && Objects.equals(namespace, t.namespace) && Objects.equals(files, t.files);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, windowStart, generation, attempt);
    }

    @Override
    public String toString() {
        return "CompactionTask(" + namespace + ", window " + windowStart + ", g" + generation + ", a" + attempt
                + ", " + files.size() + " files)";
    }
}
