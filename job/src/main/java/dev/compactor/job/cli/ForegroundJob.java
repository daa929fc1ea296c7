package dev.compactor.job.cli;

import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a submitted job in the foreground: returns when it ends, and on Ctrl-C or SIGTERM stops the companions
 * (e.g. the demo's writer simulator), cancels the job and returns 0 once the job is down.
 *
 * <p>SIGINT and SIGTERM get handlers of their own rather than a bare shutdown hook: a shutdown hook runs while
 * the JVM is already exiting with status 130/143, whereas a handler lets the cancellation finish and the
 * command exit 0. A shutdown hook still covers other ways the JVM may go down.
 */
final class ForegroundJob {

    private static final Logger LOG = LoggerFactory.getLogger(ForegroundJob.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    private final JobClient job;
    private final List<Runnable> companions;
    private final PrintWriter console;
    private final AtomicBoolean stopping = new AtomicBoolean();

    ForegroundJob(JobClient job, List<Runnable> companions, PrintWriter console) {
        this.job = job;
        this.companions = new ArrayList<>(companions);
        this.console = console;
    }

    /** Blocks until the job ends; 0 when it finished or was stopped by the user, 1 when it failed. */
    int await() throws InterruptedException {
        Signal.handle(new Signal("INT"), signal -> stop("interrupted"));
        Signal.handle(new Signal("TERM"), signal -> stop("terminated"));
        Thread hook = new Thread(this::stopAndWait, "compactor-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            job.getJobExecutionResult().get();
            console.println("Job finished.");
            return 0;
        } catch (ExecutionException e) {
            if (stopping.get()) {
                console.println("Job cancelled; checkpoints are kept for the next run.");
                return 0;
            }
            console.println("Job failed: " + rootMessage(e));
            LOG.error("Job failed", e);
            return 1;
        } finally {
            stopCompanions();
            removeHook(hook);
        }
    }

    private void stop(String why) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        console.println("Stopping (" + why + ") ...");
        stopCompanions();
        job.cancel().exceptionally(e -> {
            LOG.warn("Cancelling the job failed", e);
            return null;
        });
    }

    private void stopAndWait() {
        stop("JVM shutting down");
        try {
            job.getJobExecutionResult().get(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Job ended on shutdown with {}", e.toString());
        }
    }

    private synchronized void stopCompanions() {
        for (Runnable companion : companions) {
            try {
                companion.run();
            } catch (RuntimeException e) {
                LOG.warn("Stopping a companion of the job failed", e);
            }
        }
        companions.clear();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to: nothing to undo
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
