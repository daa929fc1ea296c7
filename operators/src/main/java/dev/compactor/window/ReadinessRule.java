package dev.compactor.window;

import java.util.Collection;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The runbook's readiness rule. A pending window compacts when
 * <ol>
 *   <li>its priority's wait has passed since the window ended,</li>
 *   <li>it holds at least min-files files — unless force-after has passed since it ended, or it is a later
 *       generation (files that arrived after the window was compacted), which never wait for more files —, and</li>
 *   <li>every active writer has a file in it, or max-wait has passed since its last file arrived.</li>
 * </ol>
 * A window frozen by an earlier dispatch (a retry) is ready once its backoff has passed: its file set is final.
 */
public final class ReadinessRule {

    /** Why a window is or is not ready; the status API reports it. */
    public enum Verdict { READY, WINDOW_TOO_RECENT, TOO_FEW_FILES, WAITING_FOR_WRITERS, BACKING_OFF, NOT_PENDING }

    private final WindowRules rules;

    public ReadinessRule(WindowRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * @param now              event time (the watermark)
     * @param wallClockNow     processing time, for a retry's backoff
     * @param waitAfterEndMs   the wait of the namespace's priority
     * @param activeWriters    writers of the namespace active at {@code now}
     * @param windowHasWriter  whether a writer has a file in this window generation
     */
    public Verdict evaluate(WindowRecord window, long now, long wallClockNow, long waitAfterEndMs,
                            Collection<String> activeWriters, Predicate<String> windowHasWriter) {
        if (window.state != WindowState.PENDING) {
            return Verdict.NOT_PENDING;
        }
        if (window.frozen) {
            return wallClockNow >= window.notBefore ? Verdict.READY : Verdict.BACKING_OFF;
        }
        if (now < window.windowEnd + waitAfterEndMs) {
            return Verdict.WINDOW_TOO_RECENT;
        }
        boolean forced = window.generation > 0 || now >= window.windowEnd + rules.forceAfterMs();
        if (window.fileCount < rules.minFiles() && !forced) {
            return Verdict.TOO_FEW_FILES;
        }
        boolean waitedForWriters = now >= window.lastArrival + rules.maxWaitMs();
        if (!waitedForWriters && !activeWriters.stream().allMatch(windowHasWriter)) {
            return Verdict.WAITING_FOR_WRITERS;
        }
        return Verdict.READY;
    }

    /** Index in {@link #checkTimes} of the time max-wait has passed since the newest file arrived. */
    public static final int ARRIVAL_CHECK = 1;

    /**
     * Event times at which the verdict of a pending window can change without a new file arriving: the end of its
     * wait, max-wait after its newest file ({@link #ARRIVAL_CHECK}), and force-after.
     */
    public long[] checkTimes(WindowRecord window, long waitAfterEndMs) {
        return new long[] {window.windowEnd + waitAfterEndMs, window.lastArrival + rules.maxWaitMs(),
                window.windowEnd + rules.forceAfterMs()};
    }
}
