package dev.compactor.operator;

import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.StagedWindow;

import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Calls into an opened AsyncMerge as Flink's async operator would, for the tests that drive one directly. */
final class AsyncMergeCalls {

    private AsyncMergeCalls() {}

    /** The attempt's outcome: the staged window, nothing when it gave up, or the error it failed with. */
    static CompletableFuture<Collection<StagedWindow>> invoke(AsyncMerge merge, CompactionTask task) {
        CompletableFuture<Collection<StagedWindow>> done = new CompletableFuture<>();
        merge.asyncInvoke(task, new ResultFuture<>() {
            @Override
            public void complete(Collection<StagedWindow> result) {
                done.complete(result);
            }

            @Override
            public void completeExceptionally(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    static StagedWindow single(Collection<StagedWindow> result) {
        assertEquals(1, result.size());
        return result.iterator().next();
    }
}
