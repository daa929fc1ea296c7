package dev.compactor.job.source;

import dev.compactor.events.ObjectEvent;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketWatchReaderTest {

    private final RequestCountingContext context = new RequestCountingContext();
    private final CollectingOutput output = new CollectingOutput();
    private final BucketWatchReader reader = new BucketWatchReader(context);

    private static ObjectEvent event(String key, long time) {
        return ObjectEvent.created(key, 1, "e", time);
    }

    @Test
    void asksForASplitOnStartAndAfterFinishingEach() {
        reader.start();
        assertEquals(1, context.requests);
        CompletableFuture<Void> available = reader.isAvailable();
        assertFalse(available.isDone());

        reader.addSplits(List.of(new EventBatchSplit(0, List.of(event("a", 10), event("b", 20)))));
        assertTrue(available.isDone());

        assertEquals(InputStatus.MORE_AVAILABLE, reader.pollNext(output));
        assertEquals(1, context.requests, "half a split left: no request yet");
        assertEquals(InputStatus.NOTHING_AVAILABLE, reader.pollNext(output));
        assertEquals(2, context.requests);
        assertEquals(List.of("a", "b"), output.keys);
        assertEquals(List.of(10L, 20L), output.timestamps, "the event time is the record timestamp");
        assertFalse(reader.isAvailable().isDone());
    }

    @Test
    void checkpointHoldsExactlyTheEventsNotYetEmitted() {
        reader.addSplits(List.of(new EventBatchSplit(0, List.of(event("a", 1), event("b", 2))),
                new EventBatchSplit(1, List.of(event("c", 3)))));
        reader.start();
        assertEquals(0, context.requests, "a reader restored with splits does not ask for more");
        reader.pollNext(output);

        List<EventBatchSplit> state = reader.snapshotState(1);

        assertEquals(List.of(new EventBatchSplit(0, List.of(event("b", 2))), new EventBatchSplit(1, List.of(event("c", 3)))),
                state);
        BucketWatchReader restored = new BucketWatchReader(new RequestCountingContext());
        restored.addSplits(state);
        CollectingOutput restoredOutput = new CollectingOutput();
        while (restored.pollNext(restoredOutput) == InputStatus.MORE_AVAILABLE) {
            // drains what is left
        }
        assertEquals(List.of("a"), output.keys);
        assertEquals(List.of("b", "c"), restoredOutput.keys);
    }

    @Test
    void endsOnlyWhenToldNoSplitsWillComeAndNothingIsLeft() {
        reader.addSplits(List.of(new EventBatchSplit(0, List.of(event("a", 1)))));
        reader.notifyNoMoreSplits();

        assertEquals(InputStatus.END_OF_INPUT, reader.pollNext(output));
        assertEquals(List.of("a"), output.keys);
        assertTrue(reader.isAvailable().isDone());
        assertEquals(List.of(), reader.snapshotState(2));
    }

    private static final class RequestCountingContext implements SourceReaderContext {
        int requests;

        @Override
        public void sendSplitRequest() {
            requests++;
        }

        @Override
        public SourceReaderMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }
    }

    private static final class CollectingOutput implements ReaderOutput<ObjectEvent> {
        final List<String> keys = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();

        @Override
        public void collect(ObjectEvent record) {
            throw new AssertionError("every event must carry its timestamp");
        }

        @Override
        public void collect(ObjectEvent record, long timestamp) {
            keys.add(record.key);
            timestamps.add(timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<ObjectEvent> createOutputForSplit(String splitId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
