package dev.compactor.status;

import java.io.Serializable;
import java.time.Duration;

/**
 * The runbook's "key metrics to monitor": a value above a warning threshold degrades a namespace, above a critical
 * one makes it unhealthy. Equal to a threshold is still fine (the runbook says "&gt;").
 */
public record HealthThresholds(int stuckWarning, int stuckCritical, long oldestAgeWarningMs, long oldestAgeCriticalMs,
                               int activeWindowsWarning, int activeWindowsCritical, long pendingFilesWarning,
                               long pendingFilesCritical) implements Serializable {

    public HealthThresholds {
        requireOrdered("windowsStuckInProcessing", stuckWarning, stuckCritical);
        requireOrdered("oldestWindowAge", oldestAgeWarningMs, oldestAgeCriticalMs);
        requireOrdered("activeWindows", activeWindowsWarning, activeWindowsCritical);
        requireOrdered("totalPendingFiles", pendingFilesWarning, pendingFilesCritical);
    }

    /** Stuck &gt; 0 / &gt; 3, oldest window &gt; 2 h / &gt; 4 h, active windows &gt; 10 / &gt; 20, pending files &gt; 1000 / &gt; 5000. */
    public static HealthThresholds runbookDefaults() {
        return new HealthThresholds(0, 3, Duration.ofHours(2).toMillis(), Duration.ofHours(4).toMillis(), 10, 20,
                1000, 5000);
    }

    private static void requireOrdered(String metric, long warning, long critical) {
        if (warning < 0 || critical < warning) {
            throw new IllegalArgumentException("thresholds of " + metric + " need 0 <= warning <= critical, were warning="
                    + warning + ", critical=" + critical);
        }
    }
}
