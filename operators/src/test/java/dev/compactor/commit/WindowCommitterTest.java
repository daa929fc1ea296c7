package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import dev.compactor.store.FaultyStore;
import dev.compactor.store.LocalObjectStore;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowCommitterTest {

    @TempDir
    Path bucket;

    private FaultyStore store;
    private final FaultyStore.FailNext faults = new FaultyStore.FailNext();
    private StagedWindowFixture fixture;
    private CommitMetrics metrics;
    private WindowCommitter committer;

    @BeforeEach
    void setUp() {
        store = new FaultyStore(new LocalObjectStore(bucket), faults);
        fixture = new StagedWindowFixture(store);
        metrics = new CommitMetrics(new UnregisteredMetricsGroup());
        committer = new WindowCommitter(store, new WindowPublisher(store, fixture.layout, Clock.systemUTC()), metrics);
    }

    private static Collection<Committer.CommitRequest<StagedWindow>> requests(
            RecordingCommitRequest<StagedWindow> request) {
        return List.of(request);
    }

    @Test
    void commitsAndCounts() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(2), 2);
        fixture.addUnreadableSource(window, "bad magic");
        RecordingCommitRequest<StagedWindow> request = new RecordingCommitRequest<>(window);

        committer.commit(requests(request));

        assertEquals(RecordingCommitRequest.Answer.NONE, request.answer, "no signal means committed");
        assertTrue(fixture.exists(fixture.manifestKey(0)));
        assertEquals(1, metrics.windowsCommitted());
        assertEquals(2, metrics.outputsPublished());
        assertEquals(3, metrics.sourcesDeleted());
        assertEquals(1, metrics.filesQuarantined());
        assertEquals(0, metrics.commitRetries());
    }

    @Test
    void storeErrorAsksFlinkToRetryAndTheRetryCommits() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(2), 1);
        faults.failNext(FaultyStore.Op.WRITE, fixture.manifestKey(0));
        RecordingCommitRequest<StagedWindow> request = new RecordingCommitRequest<>(window);

        committer.commit(requests(request));

        assertEquals(RecordingCommitRequest.Answer.RETRY_LATER, request.answer);
        assertEquals(1, metrics.commitRetries());
        assertFalse(fixture.exists(fixture.manifestKey(0)));

        request.answer = RecordingCommitRequest.Answer.NONE;
        committer.commit(requests(request));

        assertEquals(RecordingCommitRequest.Answer.NONE, request.answer);
        assertTrue(fixture.exists(fixture.manifestKey(0)));
        assertEquals(1, metrics.windowsCommitted());
    }

    @Test
    void replayIsSignalledAsAlreadyCommitted() throws IOException {
        StagedWindow window = fixture.stage(0, 0, fixture.writeSources(1), 1);
        committer.commit(requests(new RecordingCommitRequest<>(window)));
        RecordingCommitRequest<StagedWindow> replay = new RecordingCommitRequest<>(window);

        committer.commit(requests(replay));

        assertEquals(RecordingCommitRequest.Answer.ALREADY_COMMITTED, replay.answer);
        assertEquals(1, metrics.windowsCommitted());
    }

    @Test
    void lostOutputsDropTheAttemptWithTheKeysAndKeepTheSources() throws IOException {
        List<StagedWindow.Input> inputs = fixture.writeSources(2);
        StagedWindow window = fixture.stage(0, 0, inputs, 1);
        String stagingKey = window.parts.get(0).stagingKey;
        store.delete(stagingKey);
        RecordingCommitRequest<StagedWindow> request = new RecordingCommitRequest<>(window);

        committer.commit(requests(request)); // dropped, not thrown: a throw would replay it from state forever

        assertEquals(RecordingCommitRequest.Answer.FAILED, request.answer);
        assertTrue(request.failure.getMessage().contains(stagingKey), request.failure.getMessage());
        assertTrue(request.failure.getMessage().contains(window.parts.get(0).finalKey));
        assertEquals(1, metrics.commitFailures());
        assertFalse(fixture.exists(fixture.manifestKey(0)));
        for (StagedWindow.Input input : inputs) {
            assertTrue(fixture.exists(input.key), input.key);
        }
    }
}
