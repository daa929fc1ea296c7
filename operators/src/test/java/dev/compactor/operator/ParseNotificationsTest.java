package dev.compactor.operator;

import dev.compactor.events.ObjectEvent;
import dev.compactor.events.Rejection;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ParseNotificationsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manyEventsPerRecordKeysRelativeToThePrefixAndBadRecordsToTheSideOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<byte[], ObjectEvent> h =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseNotifications("lake/")))) {
            h.open();
            h.processElement(new StreamRecord<>(utf8("{\"Records\":["
                    + "{\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2026-01-01T00:00:00Z\","
                    + "\"s3\":{\"object\":{\"key\":\"lake/data/ns/1-w-1.parquet\",\"size\":10,\"eTag\":\"e\"}}},"
                    + "{\"eventName\":\"ObjectRemoved:Delete\",\"s3\":{\"object\":{\"key\":\"lake/data/ns/0-w-0.parquet\"}}},"
                    + "{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":\"other/x\",\"size\":1}}}]}")));
            h.processElement(new StreamRecord<>(utf8("{oops")));

            List<String> keys = h.extractOutputValues().stream().map(e -> e.action + " " + e.key).toList();
            assertEquals(List.of("CREATED data/ns/1-w-1.parquet", "DELETED data/ns/0-w-0.parquet"), keys);

            List<Rejection> rejected = h.getSideOutput(ParseNotifications.REJECTED).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(2, rejected.size());
            assertEquals("OUTSIDE_DATA_PREFIX", rejected.get(0).reason);
            assertEquals("other/x", rejected.get(0).key);
            assertEquals("MALFORMED_NOTIFICATION", rejected.get(1).reason);
            assertEquals("{oops", rejected.get(1).record);
            assertNull(rejected.get(1).key);
        }
    }
}
