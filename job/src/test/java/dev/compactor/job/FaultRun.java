package dev.compactor.job;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of a failure-injection run, shared by the suites: writers keep dropping small files into every namespace
 * while faults are injected into the running job; once the faults are spent (or a deadline passed) the writers and
 * the faults stop, the bucket must become idle (no source, no staging left) and the job must still run.
 */
final class FaultRun {

    private static final Duration FAULT_DEADLINE = Duration.ofMinutes(4);
    private static final Duration IDLE_DEADLINE = Duration.ofMinutes(3);

    private final List<String> namespaces;
    private final List<String> writers;
    private final Duration writeEvery;
    /** Runs first on the writers' thread, e.g. to keep injected faults away from it. */
    private final Runnable onWriterThread;

    FaultRun(List<String> namespaces, List<String> writers, Duration writeEvery, Runnable onWriterThread) {
        this.namespaces = namespaces;
        this.writers = writers;
        this.writeEvery = writeEvery;
        this.onWriterThread = onWriterThread;
    }

    /**
     * Five-second windows that compact a second after they end, retried every half second as often as it takes: a
     * run sees many windows and every fault's retry within minutes.
     */
    static Configuration fastWindows(Configuration conf) {
        conf.set(CompactorOptions.WINDOW_SIZE, Duration.ofSeconds(5));
        conf.set(CompactorOptions.PRIORITY_WAITS, List.of(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)));
        conf.set(CompactorOptions.MAX_WAIT, Duration.ofSeconds(2));
        conf.set(CompactorOptions.MIN_FILES, 3);
        conf.set(CompactorOptions.FORCE_AFTER, Duration.ofSeconds(10));
        conf.set(CompactorOptions.WRITER_INACTIVE_AFTER, Duration.ofSeconds(20));
        conf.set(CompactorOptions.PROCESSING_TIMEOUT, Duration.ofSeconds(20));
        conf.set(CompactorOptions.RETRY_BACKOFF, Duration.ofMillis(500));
        conf.set(CompactorOptions.MAX_ATTEMPTS, 1_000);
        return conf;
    }

    /** Writes until {@code faultsSpent} holds, runs {@code stopFaults}, waits for idle; cancels the job at the end. */
    void run(JobClient job, BucketFixture fixture, BooleanSupplier faultsSpent, Runnable stopFaults)
            throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writerThread = new Thread(() -> writeUntil(fixture, writing), "fault-run-writers");
        writerThread.start();
        try {
            Instant faultDeadline = Instant.now().plus(FAULT_DEADLINE);
            while (!faultsSpent.getAsBoolean() && Instant.now().isBefore(faultDeadline)) {
                assertTrue(!job.getJobStatus().get().isGloballyTerminalState(), "job failed for good");
                Thread.sleep(250);
            }
            writing.set(false);
            writerThread.join();
            stopFaults.run();

            Instant idleDeadline = Instant.now().plus(IDLE_DEADLINE);
            while (!(fixture.sources().isEmpty() && fixture.staging().isEmpty())) {
                assertTrue(Instant.now().isBefore(idleDeadline), () -> "not idle in time: " + describe(fixture));
                Thread.sleep(250);
            }
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job is running after all faults");
        } finally {
            stopFaults.run();
            writing.set(false);
            writerThread.join();
            job.cancel().get();
        }
    }

    /** Each writer drops a small file every {@link #writeEvery} into every namespace, stamped with the current time. */
    private void writeUntil(BucketFixture fixture, AtomicBoolean writing) {
        onWriterThread.run();
        long seq = 0;
        try {
            while (writing.get()) {
                long now = Instant.now().getEpochSecond();
                for (String ns : namespaces) {
                    for (String writer : writers) {
                        fixture.writeSource(ns, now, writer, seq, 20);
                    }
                }
                seq++;
                Thread.sleep(writeEvery.toMillis());
            }
        } catch (Exception e) {
            throw new IllegalStateException("writer simulator failed", e);
        }
    }

    private static String describe(BucketFixture f) {
        try {
            return f.sources().size() + " sources, " + f.staging() + " staging, " + f.manifests().size() + " manifests";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
