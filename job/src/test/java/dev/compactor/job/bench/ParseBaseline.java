package dev.compactor.job.bench;

import dev.compactor.events.Classification;
import dev.compactor.events.EventClassifier;
import dev.compactor.events.MalformedNotificationException;
import dev.compactor.events.NotificationParser;
import dev.compactor.events.ObjectEvent;
import dev.compactor.job.CompactorOptions;
import dev.compactor.layout.BucketLayout;

/**
 * NotificationParser and EventClassifier in a plain loop over the same notifications the Flink job gets: the
 * per-event cost before Flink, the network shuffle and RocksDB add theirs. Only parsing and classifying is timed;
 * notifications are generated in batches outside the clock.
 */
final class ParseBaseline {

    private static final int BATCH = 10_000;
    private static final long WARM_UP_EVENTS = 200_000;

    private final NotificationParser parser = new NotificationParser();
    private final EventClassifier classifier =
            new EventClassifier(new BucketLayout(CompactorOptions.DATA_PREFIX.defaultValue()));

    /** Wall and process CPU seconds spent parsing and classifying. */
    record Timing(double seconds, double cpuSeconds) {}

    Timing time(NotificationGenerator generator, long events) throws MalformedNotificationException {
        timedPass(generator, Math.min(events, WARM_UP_EVENTS));
        return timedPass(generator, events);
    }

    private Timing timedPass(NotificationGenerator generator, long events) throws MalformedNotificationException {
        String[] batch = new String[BATCH];
        long nanos = 0;
        long cpuNanos = 0;
        long accepted = 0;
        for (long start = 0; start < events; start += BATCH) {
            int size = (int) Math.min(BATCH, events - start);
            for (int i = 0; i < size; i++) {
                batch[i] = generator.notification(start + i);
            }
            long begin = System.nanoTime();
            long cpuBegin = ProcessCpu.nanos();
            for (int i = 0; i < size; i++) {
                for (ObjectEvent event : parser.parse(batch[i])) {
                    if (classifier.classify(event).outcome() == Classification.Outcome.ACCEPTED) {
                        accepted++;
                    }
                }
            }
            nanos += System.nanoTime() - begin;
            cpuNanos += ProcessCpu.nanos() - cpuBegin;
        }
        // Also keeps the JIT from discarding the work whose result nothing else reads.
        if (accepted != events) {
            throw new IllegalStateException("classified " + accepted + " of " + events + " notifications as files");
        }
        return new Timing(nanos / 1e9, cpuNanos / 1e9);
    }
}
