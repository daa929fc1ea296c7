package dev.compactor.savepoints.bootstrap;

import dev.compactor.events.BucketEvent;
import dev.compactor.operator.TrackerState;
import dev.compactor.window.FileRecord;
import dev.compactor.window.WindowRecord;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What WindowTracker holds for one key, rebuilt from the bucket: the same entries as {@link TrackerState}'s
 * descriptors, so the bootstrap function copies them one to one. Public fields and a no-argument constructor, so
 * Flink can ship it from the planning client to the bootstrap task.
 */
public class TrackerKeyState {
    public String key;
    /** "{windowStart}-g{generation}" → pending generation. */
    public TreeMap<String, WindowRecord> windows = new TreeMap<>();
    /** windowStart → newest generation, committed or pending. */
    public TreeMap<Long, Integer> latestGeneration = new TreeMap<>();
    /** object key → pending source. */
    public TreeMap<String, FileRecord> files = new TreeMap<>();
    /** "{windowStart}-g{generation}/{writer}". */
    public TreeSet<String> windowWriters = new TreeSet<>();
    /** writer → newest file time. */
    public TreeMap<String, Long> writers = new TreeMap<>();

    public TrackerKeyState() {}

    TrackerKeyState(String key) {
        this.key = key;
    }

    /** A committed generation: the window never hands it out again. */
    void committed(long windowStart, int generation) {
        latestGeneration.merge(windowStart, generation, Math::max);
    }

    void sawWriter(String writer, long fileTimeMillis) {
        writers.merge(writer, fileTimeMillis, Math::max);
    }

    /**
     * A source no manifest lists joins the given generation of its window. Its arrival is its file time: the
     * tracker's watermark at that time is gone, and the file time never delays a window longer than the job would.
     */
    void pendingFile(BucketEvent file, long windowStart, long windowEnd, int generation) {
        String windowKey = TrackerState.windowKey(windowStart, generation);
        windows.computeIfAbsent(windowKey, k -> WindowRecord.open(file.namespace, windowStart, windowEnd, generation))
                .addFile(file.size, file.fileTimeMillis);
        latestGeneration.put(windowStart, generation);
        windowWriters.add(windowKey + "/" + file.writerId);
        files.put(file.key, new FileRecord(windowStart, generation, file.size, file.eTag, file.writerId, file.seq,
                file.fileTimeMillis));
        sawWriter(file.writerId, file.fileTimeMillis);
    }
}
