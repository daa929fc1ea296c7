package dev.compactor.job.api;

import dev.compactor.job.cluster.FlinkRestClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Finds the running compaction job on a cluster by name through the Flink REST API, on every call, so the API
 * follows the job across restarts from savepoints (which give it a new id). Null when none is running.
 */
public final class RunningJobLookup implements Supplier<JobID> {

    private static final Logger LOG = LoggerFactory.getLogger(RunningJobLookup.class);

    private final FlinkRestClient rest;
    private final String jobName;

    public RunningJobLookup(FlinkRestClient rest, String jobName) {
        this.rest = rest;
        this.jobName = jobName;
    }

    @Override
    public JobID get() {
        try {
            for (JsonNode job : rest.jobs().path("jobs")) {
                if (jobName.equals(job.path("name").asText()) && "RUNNING".equals(job.path("state").asText())) {
                    return JobID.fromHexString(job.path("jid").asText());
                }
            }
            return null;
        } catch (IOException e) {
            LOG.warn("cannot list jobs at {}: {}", rest.baseUrl(), e.toString());
            return null;
        }
    }
}
