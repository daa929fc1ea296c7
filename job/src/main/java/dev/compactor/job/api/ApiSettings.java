package dev.compactor.job.api;

import dev.compactor.job.CompactorOptions;
import dev.compactor.status.HealthRule;
import dev.compactor.status.HealthThresholds;

import org.apache.flink.configuration.Configuration;

import java.util.Optional;

/** The API's options read from the job configuration, with the token's fallback to the environment. */
public final class ApiSettings {

    public static final String TOKEN_ENV = "COMPACTOR_API_TOKEN";

    private ApiSettings() {}

    public static HealthRule healthRule(Configuration conf) {
        return new HealthRule(new HealthThresholds(
                conf.get(CompactorOptions.HEALTH_STUCK_WARNING), conf.get(CompactorOptions.HEALTH_STUCK_CRITICAL),
                conf.get(CompactorOptions.HEALTH_AGE_WARNING).toMillis(),
                conf.get(CompactorOptions.HEALTH_AGE_CRITICAL).toMillis(),
                conf.get(CompactorOptions.HEALTH_ACTIVE_WARNING), conf.get(CompactorOptions.HEALTH_ACTIVE_CRITICAL),
                conf.get(CompactorOptions.HEALTH_PENDING_WARNING), conf.get(CompactorOptions.HEALTH_PENDING_CRITICAL)));
    }

    /** {@code api.token}, else the {@value #TOKEN_ENV} environment variable. */
    public static Optional<String> token(Configuration conf) {
        return conf.getOptional(CompactorOptions.API_TOKEN)
                .or(() -> Optional.ofNullable(System.getenv(TOKEN_ENV)))
                .filter(t -> !t.isBlank());
    }
}
