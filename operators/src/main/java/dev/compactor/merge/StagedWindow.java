package dev.compactor.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The result of merging one {@link CompactionTask}: parts written under the staging prefix, what was read,
 * what was set aside. It is the committable of the commit sink (serialised by a versioned serializer) and
 * the content of the manifest. Flink POJO.
 */
public class StagedWindow {

    public String namespace;
    public long windowStart;
    public long windowEnd;
    public int generation;
    public int attempt;
    /** Output parts in part order. Empty when every input was quarantined or missing. */
    public List<Part> parts = new ArrayList<>();
    /** Inputs whose rows are in the parts. */
    public List<Input> inputs = new ArrayList<>();
    /** Inputs that could not be read or conflict with the window's schema; moved to quarantine on commit. */
    public List<Quarantined> quarantined = new ArrayList<>();
    /** Inputs that no longer existed when the merge read them (deleted by someone else). */
    public List<String> missing = new ArrayList<>();

    public StagedWindow() {}

    public StagedWindow(CompactionTask task) {
        this.namespace = task.namespace;
        this.windowStart = task.windowStart;
        this.windowEnd = task.windowEnd;
        this.generation = task.generation;
        this.attempt = task.attempt;
    }

    public long totalRows() {
        return parts.stream().mapToLong(p -> p.rowCount).sum();
    }

    /** One staged output part. */
    public static class Part {
        public String stagingKey;
        public String finalKey;
        public long rowCount;
        public long sizeBytes;
        /** Hex SHA-256 of the part's bytes. */
        public String sha256;

        public Part() {}

        public Part(String stagingKey, String finalKey, long rowCount, long sizeBytes, String sha256) {
            this.stagingKey = stagingKey;
            this.finalKey = finalKey;
            this.rowCount = rowCount;
            this.sizeBytes = sizeBytes;
            this.sha256 = sha256;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Part p && rowCount == p.rowCount && sizeBytes == p.sizeBytes
                    && Objects.equals(stagingKey, p.stagingKey) && Objects.equals(finalKey, p.finalKey)
                    && Objects.equals(sha256, p.sha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(stagingKey, finalKey);
        }
    }

    /** One source file whose rows were merged. */
    public static class Input {
        public String key;
        public long size;
        public long rowCount;

        public Input() {}

        public Input(String key, long size, long rowCount) {
            this.key = key;
            this.size = size;
            this.rowCount = rowCount;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Input i && size == i.size && rowCount == i.rowCount && Objects.equals(key, i.key);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(key);
        }
    }

    /** One source file set aside, with the reason an operator reads. */
    public static class Quarantined {
        public String key;
        public long size;
        public String reason;

        public Quarantined() {}

        public Quarantined(String key, long size, String reason) {
            this.key = key;
            this.size = size;
            this.reason = reason;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Quarantined q && size == q.size && Objects.equals(key, q.key)
                    && Objects.equals(reason, q.reason);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(key);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StagedWindow s && windowStart == s.windowStart && windowEnd == s.windowEnd
                && generation == s.generation && attempt == s.attempt && Objects.equals(namespace, s.namespace)
                && Objects.equals(parts, s.parts) && Objects.equals(inputs, s.inputs)
                && Objects.equals(quarantined, s.quarantined) && Objects.equals(missing, s.missing);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, windowStart, generation, attempt);
    }

    @Override
    public String toString() {
        return "StagedWindow(" + namespace + ", window " + windowStart + ", g" + generation + ", a" + attempt + ", "
                + parts.size() + " parts, " + inputs.size() + " inputs, " + quarantined.size() + " quarantined)";
    }
}
