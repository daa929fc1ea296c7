package dev.compactor.job.bench;

import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.time.Instant;

/**
 * The i-th R2 PutObject notification of a run: namespaces take turns, each with a few writers, and file times
 * climb evenly through the hours before the run started, so every namespace spreads over several windows. Keys are
 * {@code data/ns{n}/{epochSeconds}-w{writer}-{i}.parquet}, all distinct, so every notification is a new file.
 */
public final class NotificationGenerator implements GeneratorFunction<Long, String> {
    private static final long serialVersionUID = 1L;

    private static final int WRITERS_PER_NAMESPACE = 8;
    private static final long SPAN_SECONDS = 3 * 3600;

    private final long events;
    private final int namespaces;
    private final long firstSecond;

    public NotificationGenerator(long events, int namespaces, Instant end) {
        if (events < 1 || namespaces < 1) {
            throw new IllegalArgumentException("need at least one event and one namespace");
        }
        this.events = events;
        this.namespaces = namespaces;
        this.firstSecond = end.getEpochSecond() - SPAN_SECONDS;
    }

    @Override
    public String map(Long index) {
        return notification(index);
    }

    public String notification(long i) {
        long namespace = i % namespaces;
        long writer = (i / namespaces) % WRITERS_PER_NAMESPACE;
        long second = firstSecond + i * SPAN_SECONDS / events;
        String key = "data/ns" + namespace + "/" + second + "-w" + writer + "-" + i + ".parquet";
        // Sizes and eTags vary like real ones so their encoded lengths in state are realistic (32 hex digits).
        String eTag = hex16(i * 0x9E3779B97F4A7C15L) + hex16(~i * 0xC2B2AE3D27D4EB4FL);
        long size = 200_000 + (i * 7919) % 3_000_000;
        return "{\"action\":\"PutObject\",\"object\":{\"key\":\"" + key + "\",\"size\":" + size
                + ",\"eTag\":\"" + eTag + "\"},\"eventTime\":\"" + Instant.ofEpochSecond(second) + "\"}";
    }

    private static String hex16(long v) {
        String hex = Long.toHexString(v);
        return "0".repeat(16 - hex.length()) + hex;
    }
}
