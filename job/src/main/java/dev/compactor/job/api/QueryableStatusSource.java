package dev.compactor.job.api;

import dev.compactor.operator.StatusSummary;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.queryablestate.client.QueryableStateClient;
import org.apache.flink.util.ExceptionUtils;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads the {@link StatusSummary} of a running job through Flink's queryable state proxy. Right after the job
 * starts (or restarts) the state is not registered yet and queries fail with an unknown location; those are retried
 * for a short while. An unknown key means the summary was never written: nothing is tracked yet.
 */
public final class QueryableStatusSource implements StatusSource, AutoCloseable {

    private static final Duration RETRY_FOR = Duration.ofSeconds(5);
    private static final long RETRY_EVERY_MS = 200;

    private final QueryableStateClient client;
    private final Supplier<JobID> job;

    /**
     * @param job the job to ask; looked up per request, so a restarted job (new id) is followed
     */
    public QueryableStatusSource(String proxyHost, int proxyPort, Supplier<JobID> job) throws Exception {
        this.client = new QueryableStateClient(proxyHost, proxyPort);
        this.job = job;
    }

    @Override
    public Map<String, String> snapshots() throws StatusUnavailableException {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                return query();
            } catch (ExecutionException | TimeoutException e) {
                if (isUnknownKey(e)) {
                    return Map.of();
                }
                if (System.nanoTime() > deadline) {
                    throw new StatusUnavailableException("the job's status cannot be queried: "
                            + ExceptionUtils.stripExecutionException(e).getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StatusUnavailableException("interrupted while querying the job's status", e);
            } catch (RuntimeException e) {
                throw new StatusUnavailableException("the job's status cannot be queried: " + e.getMessage(), e);
            }
            pause();
        }
    }

    private Map<String, String> query() throws ExecutionException, TimeoutException, InterruptedException {
        JobID id = job.get();
        if (id == null) {
            throw new ExecutionException(new IllegalStateException("no running compaction job found"));
        }
        MapState<String, String> state = client.getKvState(id, StatusSummary.QUERYABLE_NAME, StatusSummary.KEY,
                Types.STRING, StatusSummary.descriptor()).get(5, TimeUnit.SECONDS);
        Map<String, String> snapshots = new TreeMap<>();
        try {
            for (Map.Entry<String, String> entry : state.entries()) {
                snapshots.put(entry.getKey(), entry.getValue());
            }
        } catch (Exception e) {
            throw new ExecutionException(e);
        }
        return snapshots;
    }

    // The proxy sends server-side exceptions back serialized; match the class anywhere in the chain, or its name.
    private static boolean isUnknownKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("UnknownKeyOrNamespaceException")
                    || String.valueOf(t.getMessage()).contains("UnknownKeyOrNamespaceException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static void pause() throws StatusUnavailableException {
        try {
            Thread.sleep(RETRY_EVERY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatusUnavailableException("interrupted while querying the job's status", e);
        }
    }

    @Override
    public void close() {
        client.shutdownAndWait();
    }
}
