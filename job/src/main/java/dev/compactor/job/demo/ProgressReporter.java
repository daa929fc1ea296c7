package dev.compactor.job.demo;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints what the simulator wrote and what the bucket holds, every few seconds, so the demo shows progress. */
public final class ProgressReporter {

    private final ObjectStore store;
    private final BucketLayout layout;
    private final WriterSimulator simulator;
    private final PrintWriter console;
    private final Duration every;
    private final long startNanos = System.nanoTime();
    private ScheduledExecutorService scheduler;

    public ProgressReporter(ObjectStore store, BucketLayout layout, WriterSimulator simulator, PrintWriter console,
                            Duration every) {
        this.store = store;
        this.layout = layout;
        this.simulator = simulator;
        this.console = console;
        this.every = every;
    }

    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "demo-progress");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::report, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the periodic lines and prints a last one. */
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
            scheduler = null;
        }
        if (running != null) {
            running.shutdownNow();
            report();
        }
    }

    void report() {
        String census;
        try {
            census = line(BucketCensus.take(store, layout));
        } catch (IOException e) {
            census = "bucket listing failed: " + e.getMessage();
        }
        long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
        String failed = simulator.failedWrites() > 0 ? " (" + simulator.failedWrites() + " writes failed)" : "";
        console.printf("[%02d:%02d] written %d files (%d rows)%s | %s%n", seconds / 60, seconds % 60,
                simulator.filesWritten(), simulator.rowsWritten(), failed, census);
        console.flush();
    }

    static String line(BucketCensus c) {
        return String.format("pending %d small files | compacted %d files | manifests %d | quarantined %d",
                c.pendingFiles(), c.compactedFiles(), c.manifests(), c.quarantined());
    }
}
