package dev.compactor.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationParserTest {

    private final NotificationParser parser = new NotificationParser();

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NotificationParserTest.class.getResourceAsStream("/notifications/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    static Stream<Arguments> documentedPayloads() {
        return Stream.of(
                Arguments.of("r2-put-object.json", List.of(new ObjectEvent(ObjectEvent.Action.CREATED, "PutObject",
                        "data/users/1714564800-writer1-0.parquet", 65536, "c846ff7a18f28c2e262116d6e8719ef0",
                        at("2024-05-01T12:00:00Z")))),
                Arguments.of("r2-copy-object.json", List.of(new ObjectEvent(ObjectEvent.Action.CREATED, "CopyObject",
                        "data/users/1714564801-writer2-7.parquet", 1024, "a1b2c3d4e5f60718293a4b5c6d7e8f90",
                        at("2024-05-01T12:00:01.250Z")))),
                Arguments.of("r2-delete-object.json", List.of(new ObjectEvent(ObjectEvent.Action.DELETED, "DeleteObject",
                        "data/users/1714564800-writer1-0.parquet", 0, null, at("2024-05-01T13:05:00Z")))),
                Arguments.of("r2-batch.json", List.of(
                        new ObjectEvent(ObjectEvent.Action.CREATED, "CompleteMultipartUpload",
                                "data/events/1714564900-ingest-12.parquet", 104857600,
                                "5f363e0e58a95f06cbe9bbc662c5dfb6-20", at("2024-05-01T12:01:40Z")),
                        new ObjectEvent(ObjectEvent.Action.DELETED, "LifecycleDeletion",
                                "data/events/1714478500-ingest-3.parquet", 0, null, at("2024-05-01T12:02:00Z")))),
                Arguments.of("s3-put.json", List.of(new ObjectEvent(ObjectEvent.Action.CREATED, "ObjectCreated:Put",
                        "data/app/users/1714564800-writer+1-0.parquet", 2048, "d41d8cd98f00b204e9800998ecf8427e",
                        at("2024-05-01T12:00:00Z")))),
                Arguments.of("s3-multiple-records.json", List.of(
                        new ObjectEvent(ObjectEvent.Action.CREATED, "s3:ObjectCreated:CompleteMultipartUpload",
                                "data/my space/1714564805-w1-1.parquet", 10, "9b2cf535f27731c974343645a3985328-2",
                                at("2024-05-01T12:00:05Z")),
                        new ObjectEvent(ObjectEvent.Action.DELETED, "ObjectRemoved:Delete",
                                "data/users/1714564800-writer1-0.parquet", 0, null, at("2024-05-01T12:00:06Z")),
                        new ObjectEvent(ObjectEvent.Action.OTHER, "ObjectTagging:Put",
                                "data/users/1714564801-writer1-1.parquet", 0, "d41d8cd98f00b204e9800998ecf8427e",
                                at("2024-05-01T12:00:07Z")))),
                Arguments.of("s3-test-event.json", List.of()),
                Arguments.of("eventbridge-object-created.json", List.of(new ObjectEvent(ObjectEvent.Action.CREATED,
                        "Object Created", "data/users/1714564800-writer1-0.parquet", 5,
                        "b1946ac92492d2347c6235b4d2611184", at("2024-05-01T12:00:00Z")))),
                Arguments.of("eventbridge-object-deleted.json", List.of(new ObjectEvent(ObjectEvent.Action.DELETED,
                        "Object Deleted", "data/users/1714564800-writer1-0.parquet", 0,
                        "d41d8cd98f00b204e9800998ecf8427e", at("2024-05-01T13:00:00Z")))),
                Arguments.of("eventbridge-object-restore.json", List.of(new ObjectEvent(ObjectEvent.Action.OTHER,
                        "Object Restore Completed", "data/users/1714564800-writer1-0.parquet", 5,
                        "b1946ac92492d2347c6235b4d2611184", at("2024-05-01T14:00:00Z")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedPayloads")
    void parsesDocumentedPayloadFromBytes(String resource, List<ObjectEvent> expected) throws Exception {
        assertEquals(expected, parser.parse(resource(resource)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedPayloads")
    void parsesDocumentedPayloadFromString(String resource, List<ObjectEvent> expected) throws Exception {
        assertEquals(expected, parser.parse(new String(resource(resource), StandardCharsets.UTF_8)));
    }

    @Test
    void parsesAnArrayMixingFormats() throws Exception {
        String mixed = "[" + new String(resource("r2-put-object.json"), StandardCharsets.UTF_8) + ","
                + new String(resource("s3-test-event.json"), StandardCharsets.UTF_8) + ","
                + new String(resource("eventbridge-object-deleted.json"), StandardCharsets.UTF_8) + "]";
        List<ObjectEvent> events = parser.parse(mixed);
        assertEquals(List.of(ObjectEvent.Action.CREATED, ObjectEvent.Action.DELETED),
                events.stream().map(e -> e.action).toList());
    }

    @Test
    void emptyArrayYieldsNoEvents() throws Exception {
        assertEquals(List.of(), parser.parse("[]"));
    }

    @Test
    void r2ActionsOutsideCreateAndDeleteAreOther() throws Exception {
        List<ObjectEvent> events = parser.parse(
                "{\"action\":\"PutObjectTagging\",\"object\":{\"key\":\"data/a/1714564800-w-0.parquet\"}}");
        assertEquals(ObjectEvent.Action.OTHER, events.get(0).action);
        assertEquals("PutObjectTagging", events.get(0).sourceAction);
    }

    @Test
    void runbookTriggerEventWithoutTimeParsesWithTimeZero() throws Exception {
        List<ObjectEvent> events = parser.parse(
                "{\"action\":\"PutObject\",\"object\":{\"key\":\"data/test/trigger.parquet\",\"size\":0}}");
        assertEquals(List.of(new ObjectEvent(ObjectEvent.Action.CREATED, "PutObject", "data/test/trigger.parquet",
                0, null, 0)), events);
    }

    @Test
    void s3LifecycleExpirationIsADeletion() throws Exception {
        String record = "{\"Records\":[{\"eventName\":\"LifecycleExpiration:Delete\",\"eventTime\":"
                + "\"2024-05-01T00:00:00.000Z\",\"s3\":{\"object\":{\"key\":\"data/a/1714564800-w-0.parquet\"}}}]}";
        assertEquals(ObjectEvent.Action.DELETED, parser.parse(record).get(0).action);
    }

    @Test
    void s3KeysArePercentDecodedAsUtf8() throws Exception {
        String record = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":"
                + "{\"key\":\"data/caf%C3%A9/1714564800-w-0.parquet\",\"size\":1}}}]}";
        assertEquals("data/café/1714564800-w-0.parquet", parser.parse(record).get(0).key);
    }

    static Stream<Arguments> malformedRecords() {
        return Stream.of(
                Arguments.of("not json at all", "not JSON"),
                Arguments.of("{\"action\":\"PutObject\",", "not JSON"),
                Arguments.of("", "empty"),
                Arguments.of("42", "a JSON number"),
                Arguments.of("\"PutObject\"", "a JSON string"),
                Arguments.of("[1]", "element 0 of the notification array is a JSON number"),
                Arguments.of("{\"hello\":\"world\"}", "unrecognised notification"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"size\":3}}", "object.key is missing"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"\",\"size\":3}}", "object key is empty"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":7,\"size\":3}}",
                        "object.key is a JSON number"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":\"data/a.parquet\"}", "object is a JSON string"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"data/a/1-w-0.parquet\",\"size\":\"12\"}}",
                        "object.size is a JSON string"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"data/a/1-w-0.parquet\",\"size\":1.5}}",
                        "expected a non-negative integer"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"data/a/1-w-0.parquet\",\"size\":-1}}",
                        "expected a non-negative integer"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"data/a/1-w-0.parquet\"}}",
                        "object.size is missing"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"k\",\"size\":1},\"eventTime\":\"yesterday\"}",
                        "eventTime 'yesterday' is not an ISO-8601"),
                Arguments.of("{\"action\":\"PutObject\",\"object\":{\"key\":\"k\",\"size\":1},\"eventTime\":17}",
                        "eventTime is a JSON number"),
                Arguments.of("{\"action\":3,\"object\":{\"key\":\"k\",\"size\":1}}", "action is a JSON number"),
                Arguments.of("{\"Records\":{}}", "Records is a JSON object, expected an array"),
                Arguments.of("{\"Records\":[7]}", "Records[0] is a JSON number"),
                Arguments.of("{\"Records\":[{\"s3\":{\"object\":{\"key\":\"k\"}}}]}", "Records[0].eventName is missing"),
                Arguments.of("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}", "Records[0].s3 is missing"),
                Arguments.of("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"size\":1}}}]}",
                        "Records[0].s3.object.key is missing"),
                Arguments.of("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":"
                        + "{\"key\":\"data/%zz.parquet\",\"size\":1}}}]}", "is not validly URL-encoded"),
                Arguments.of("{\"detail-type\":\"Object Created\",\"time\":\"2024-05-01T12:00:00Z\"}", "detail is missing"),
                Arguments.of("{\"detail-type\":\"Object Created\",\"detail\":{\"object\":{\"size\":1}}}",
                        "detail.object.key is missing"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedRecords")
    void malformedRecordIsRejectedWithAMessageSayingWhy(String record, String expectedMessagePart) {
        MalformedNotificationException e = assertThrows(MalformedNotificationException.class, () -> parser.parse(record));
        assertTrue(e.getMessage().contains(expectedMessagePart),
                () -> "message '" + e.getMessage() + "' should contain '" + expectedMessagePart + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000\u0001binary", "{\"action\":\"PutObject\",\"object\":{\"key\":\"a\nb\"}}"})
    void errorMessagesStayPrintable(String record) {
        MalformedNotificationException e = assertThrows(MalformedNotificationException.class,
                () -> parser.parse(record.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
    }

    @Test
    void hugeRecordsAreQuotedOnlyInPart() {
        String record = "x".repeat(100_000);
        MalformedNotificationException e = assertThrows(MalformedNotificationException.class, () -> parser.parse(record));
        assertTrue(e.getMessage().length() < 1_000, "message is " + e.getMessage().length() + " chars long");
    }

    @Test
    void nullRecordIsMalformed() {
        assertThrows(MalformedNotificationException.class, () -> parser.parse((String) null));
        assertThrows(MalformedNotificationException.class, () -> parser.parse((byte[]) null));
    }
}
