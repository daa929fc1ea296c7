package dev.compactor.status;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Judges a namespace by the runbook's thresholds. A window that exhausted its attempts (failed) is our addition:
 * it needs an operator, so it degrades the namespace.
 */
public final class HealthRule implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HealthThresholds thresholds;

    public HealthRule(HealthThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    public Health evaluate(int stuckWindows, long oldestWindowAgeMs, int activeWindows, long pendingFiles,
                           int failedWindows) {
        List<String> issues = new ArrayList<>();
        HealthLevel level = HealthLevel.HEALTHY;
        level = level.worse(check(issues, "windowsStuckInProcessing", stuckWindows, thresholds.stuckWarning(),
                thresholds.stuckCritical(), ""));
        level = level.worse(check(issues, "oldestWindowAge", oldestWindowAgeMs, thresholds.oldestAgeWarningMs(),
                thresholds.oldestAgeCriticalMs(), " ms"));
        level = level.worse(check(issues, "activeWindows", activeWindows, thresholds.activeWindowsWarning(),
                thresholds.activeWindowsCritical(), ""));
        level = level.worse(check(issues, "totalPendingFiles", pendingFiles, thresholds.pendingFilesWarning(),
                thresholds.pendingFilesCritical(), ""));
        if (failedWindows > 0) {
            issues.add("failedWindows is " + failedWindows + ": windows whose attempts are spent wait for a rollback");
            level = level.worse(HealthLevel.DEGRADED);
        }
        return new Health(level, issues);
    }

    private static HealthLevel check(List<String> issues, String metric, long value, long warning, long critical,
                                     String unit) {
        if (value > critical) {
            issues.add(metric + " is " + value + unit + " (critical above " + critical + unit + ")");
            return HealthLevel.UNHEALTHY;
        }
        if (value > warning) {
            issues.add(metric + " is " + value + unit + " (warning above " + warning + unit + ")");
            return HealthLevel.DEGRADED;
        }
        return HealthLevel.HEALTHY;
    }
}
