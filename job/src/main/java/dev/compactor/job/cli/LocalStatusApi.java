package dev.compactor.job.cli;

import dev.compactor.job.BucketLocation;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.api.ApiSettings;
import dev.compactor.job.api.RunningApi;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.core.execution.JobClient;

import java.io.PrintWriter;

/** Starts the status API next to a local job, with a generated token when the user configured none. */
final class LocalStatusApi {

    private LocalStatusApi() {}

    /** When the API cannot start (its port is taken, say) the job is cancelled: a local run is both or neither. */
    static RunningApi start(Configuration conf, JobClient job, PrintWriter out) throws Exception {
        String token = ApiSettings.token(conf).orElseGet(RunningApi::generateToken);
        RunningApi api;
        try {
            // Commands go into the job's own bucket, S3 included: the job learns of them only from there.
            api = RunningApi.start(conf, "localhost", firstProxyPort(conf), job::getJobID,
                    BucketLocation.storeFactory(conf), token);
        } catch (Exception e) {
            job.cancel().get();
            throw new IllegalStateException("the status API cannot start on " + CompactorOptions.API_PORT.key() + " "
                    + conf.get(CompactorOptions.API_PORT) + ": " + e.getMessage(), e);
        }
        out.printf("Status API: http://localhost:%d/compaction/health%n", api.port());
        if (ApiSettings.token(conf).isEmpty()) {
            out.printf("API token (generated): export %s=%s%n", ApiSettings.TOKEN_ENV, token);
        }
        return api;
    }

    /** With one task manager in the process, the proxy binds the first port of its range. */
    private static int firstProxyPort(Configuration conf) {
        String range = conf.get(QueryableStateOptions.PROXY_PORT_RANGE).trim();
        return Integer.parseInt(range.split("[-,]")[0].trim());
    }
}
