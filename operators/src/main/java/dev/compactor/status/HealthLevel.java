package dev.compactor.status;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The runbook's health: healthy (nothing to do), degraded (investigate), unhealthy (act now). Ordered by badness. */
public enum HealthLevel {
    HEALTHY, DEGRADED, UNHEALTHY;

    @JsonValue
    public String runbookName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public HealthLevel worse(HealthLevel other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
