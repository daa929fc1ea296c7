package dev.compactor.job.api;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.TargetFormat;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStoreFactory;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.function.Supplier;

/** The status API serving one job: its HTTP server and its queryable state client, closed together. */
public final class RunningApi implements AutoCloseable {

    private final QueryableStatusSource source;
    private final StatusApi api;
    private final int port;
    private final String token;

    private RunningApi(QueryableStatusSource source, StatusApi api, int port, String token) {
        this.source = source;
        this.api = api;
        this.port = port;
        this.token = token;
    }

    /**
     * Serves on {@code api.port} of {@code conf}, reading the job {@code job} names through the queryable state
     * proxy at {@code proxyHost:proxyPort} and writing commands into {@code bucket}.
     */
    public static RunningApi start(Configuration conf, String proxyHost, int proxyPort, Supplier<JobID> job,
                                   ObjectStoreFactory bucket, String token) throws Exception {
        QueryableStatusSource source = new QueryableStatusSource(proxyHost, proxyPort, job);
        StatusApi api = new StatusApi(source, new ControlCommandWriter(bucket, Clock.systemUTC(),
                        new BucketLayout(conf.get(CompactorOptions.DATA_PREFIX)), tableFormat(conf)),
                ApiSettings.healthRule(conf), token, Clock.systemUTC());
        try {
            int port = api.start("0.0.0.0", conf.get(CompactorOptions.API_PORT));
            return new RunningApi(source, api, port, token);
        } catch (Exception e) {
            source.close();
            throw e;
        }
    }

    /** The table format committed generations land in besides plain files; null for native. */
    private static String tableFormat(Configuration conf) {
        TargetFormat format = TargetFormat.parse(conf.get(CompactorOptions.TARGET_FORMAT));
        return format == TargetFormat.NATIVE ? null : format.optionValue();
    }

    /** A random token for a local run that was given none. */
    public static String generateToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public int port() {
        return port;
    }

    public String token() {
        return token;
    }

    @Override
    public void close() {
        api.close();
        source.close();
    }
}
