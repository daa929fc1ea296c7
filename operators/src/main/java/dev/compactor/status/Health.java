package dev.compactor.status;

import java.util.List;

/** A health verdict and the issues behind it, one human-readable line each. */
public record Health(HealthLevel status, List<String> issues) {

    public Health {
        issues = List.copyOf(issues);
    }
}
