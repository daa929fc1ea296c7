package dev.compactor.events;

import dev.compactor.layout.BucketLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventClassifierTest {

    private static final BucketLayout LAYOUT = BucketLayout.defaults();
    private final EventClassifier classifier = new EventClassifier(LAYOUT);

    private static ObjectEvent created(String key) {
        return ObjectEvent.created(key, 123, "etag-1", 1_714_564_900_000L);
    }

    private static ObjectEvent deleted(String key) {
        return ObjectEvent.deleted(key, 1_714_564_900_000L);
    }

    private void assertRejected(ObjectEvent e, RejectReason reason, String detailPart) {
        Classification c = classifier.classify(e);
        assertTrue(c.isRejected(), () -> e + " should be rejected but was " + c);
        assertEquals(reason, c.reason(), c::detail);
        assertNull(c.event());
        assertTrue(c.detail().contains(detailPart), () -> "detail '" + c.detail() + "' should contain '" + detailPart + "'");
        assertTrue(c.detail().chars().noneMatch(Character::isISOControl), c::detail);
    }

    @Test
    void createdSourceFileIsAFileAdded() {
        Classification c = classifier.classify(created("data/users/1714564800-writer1-42.parquet"));
        assertTrue(c.isAccepted());
        assertEquals(BucketEvent.fileAdded("users", "data/users/1714564800-writer1-42.parquet", 123, "etag-1",
                "writer1", 42, 1_714_564_800_000L), c.event());
    }

    @ParameterizedTest
    @CsvSource({
            "data/app/users/1714564800-w-0.parquet, app/users",
            "data/a/b/c/1714564800-w-0.parquet, a/b/c",
            "data/my space/1714564800-w-0.parquet, my space",
            "data/café/1714564800-w-0.parquet, café",
    })
    void namespaceIsEveryDirectoryBetweenPrefixAndFile(String key, String namespace) {
        assertEquals(namespace, classifier.classify(created(key)).event().namespace);
    }

    @ParameterizedTest
    @CsvSource({
            "946684800, 946684800000",
            "253402300799, 253402300799000",
            "1714564800, 1714564800000",
    })
    void fileTimeIsEpochSecondsInMillis(long seconds, long millis) {
        assertEquals(millis, classifier.classify(created("data/ns/" + seconds + "-w-0.parquet")).event().fileTimeMillis);
    }

    @Test
    void honoursACustomDataPrefix() {
        EventClassifier custom = new EventClassifier(new BucketLayout("tables/raw/"));
        assertEquals("users", custom.classify(created("tables/raw/users/1714564800-w-0.parquet")).event().namespace);
        assertEquals(RejectReason.OUTSIDE_DATA_PREFIX,
                custom.classify(created("data/users/1714564800-w-0.parquet")).reason());
    }

    @Test
    void deletedSourceFileIsAFileRemoved() {
        Classification c = classifier.classify(deleted("data/app/users/1714564800-writer1-42.parquet"));
        assertEquals(BucketEvent.fileRemoved("app/users", "data/app/users/1714564800-writer1-42.parquet",
                1_714_564_800_000L), c.event());
    }

    @ParameterizedTest
    @ValueSource(strings = {"data/users/year=2024/month=05/day=01/hour=12/compacted-1714561200000-g0-p0.parquet",
            "data/app/users/year=2024/month=05/day=01/hour=12/compacted-1714561200000-g3-p11.parquet"})
    void compactedOutputsAreRejectedButNotAsErrors(String key) {
        assertRejected(created(key), RejectReason.COMPACTED_OUTPUT, "compacted output");
        assertRejected(deleted(key), RejectReason.COMPACTED_OUTPUT, "compacted output");
        assertFalse(RejectReason.COMPACTED_OUTPUT.isError());
    }

    @Test
    void layoutsOwnCompactedNameIsRecognised() {
        String key = LAYOUT.finalPartKey("users", 1_714_561_200_000L, 2, 5);
        assertEquals(RejectReason.COMPACTED_OUTPUT, classifier.classify(created(key)).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"data/users/1714564800-w-0.csv", "data/users/1714564800-w-0.parquet.tmp",
            "data/users/1714564800-w-0.PARQUET", "data/users/", "data/users/_SUCCESS"})
    void otherFilesUnderDataAreNotParquet(String key) {
        assertRejected(created(key), RejectReason.NOT_PARQUET, "does not end in .parquet");
    }

    static Stream<Arguments> malformedSourceNames() {
        return Stream.of(
                Arguments.of("data/1714564800-w-0.parquet", "no namespace"),
                Arguments.of("data//1714564800-w-0.parquet", "no namespace"),
                Arguments.of("data/a//b/1714564800-w-0.parquet", "empty path segment"),
                Arguments.of("data/./1714564800-w-0.parquet", "'.' segment"),
                Arguments.of("data/a/../1714564800-w-0.parquet", "'..' segment"),
                Arguments.of("data/../1714564800-w-0.parquet", "'..' segment"),
                Arguments.of("data/users/year=2024/1714564800-w-0.parquet", "collides with the compacted-output"),
                Arguments.of("data/us\ners/1714564800-w-0.parquet", "control character U+000A"),
                Arguments.of("data/users/1714564800-w\u0000-0.parquet", "control character U+0000"),
                Arguments.of("data/users/1714564800-writer-a-0.parquet", "writer ids must not contain '-'"),
                Arguments.of("data/users/1714564800-w.parquet", "2 '-'-separated parts"),
                Arguments.of("data/users/1714564800.parquet", "1 '-'-separated parts"),
                Arguments.of("data/users/.parquet", "1 '-'-separated parts"),
                Arguments.of("data/users/1714564800--0.parquet", "empty writer id"),
                Arguments.of("data/users/abc-w-0.parquet", "epoch seconds 'abc' is not a non-negative integer"),
                Arguments.of("data/users/-1714564800-w-0.parquet", "4 '-'-separated parts"),
                Arguments.of("data/users/+1714564800-w-0.parquet", "epoch seconds '+1714564800'"),
                Arguments.of("data/users/1714564800-w-x.parquet", "sequence number 'x' is not a non-negative integer"),
                Arguments.of("data/users/1714564800-w-.parquet", "sequence number '' is not"),
                Arguments.of("data/users/1714564800-w-99999999999999999999.parquet", "sequence number '99999999999999999999' is larger"),
                Arguments.of("data/users/946684799-w-0.parquet", "outside 2000-01-01..9999-12-31"),
                Arguments.of("data/users/1714564800000-w-0.parquet", "outside 2000-01-01..9999-12-31"),
                Arguments.of("data/users/253402300800-w-0.parquet", "outside 2000-01-01..9999-12-31"),
                Arguments.of("data/users/0-w-0.parquet", "outside 2000-01-01..9999-12-31"),
                Arguments.of("data/users/99999999999999999999-w-0.parquet", "epoch seconds '99999999999999999999' is larger"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSourceNames")
    void malformedSourceNamesAreRejectedForCreateAndDelete(String key, String detailPart) {
        assertRejected(created(key), RejectReason.MALFORMED_NAME, detailPart);
        assertRejected(deleted(key), RejectReason.MALFORMED_NAME, detailPart);
    }

    @Test
    void manifestIsAWindowCommitted() {
        String key = LAYOUT.manifestKey("app/users", 1_714_561_200_000L, 3);
        assertEquals(BucketEvent.windowCommitted("app/users", key, 1_714_561_200_000L, 3),
                classifier.classify(created(key)).event());
    }

    @Test
    void stagedMarkerIsAWindowStaged() {
        String key = LAYOUT.stagedMarkerKey("app/users", 1_714_561_200_000L, 2, 7);
        assertEquals(BucketEvent.windowStaged("app/users", key, 1_714_561_200_000L, 2, 7),
                classifier.classify(created(key)).event());
    }

    @Test
    void progressMarkerIsAWindowProgressAndItsRemovalNeedsNoAction() {
        String key = LAYOUT.progressMarkerKey("app/users", 1_714_561_200_000L, 2, 7);
        assertEquals(BucketEvent.windowProgress("app/users", key, 1_714_561_200_000L, 2, 7),
                classifier.classify(created(key)).event());
        assertTrue(classifier.classify(deleted(key)).isIgnored(), "the commit clears staging");
    }

    @Test
    void controlObjectsAreCommandsWithEverythingInTheirName() {
        for (ControlCommand command : List.of(ControlCommand.of("1714561200000-0a1b2c3d", ControlCommand.Kind.RESET),
                ControlCommand.of("1714561200000-0a1b2c3d", ControlCommand.Kind.TRIGGER_CHECK),
                ControlCommand.of("1714561200000-0a1b2c3d", ControlCommand.Kind.CLEANUP),
                ControlCommand.rollback("1714561200001-ffffffff", 1_714_561_200_000L),
                ControlCommand.setPriority("1714561200002-00000000", 3))) {
            String key = command.objectKey("app/users");
            BucketEvent e = classifier.classify(created(key)).event();
            assertEquals(BucketEvent.control("app/users", key, command), e);
            assertEquals(command, e.toCommand());
        }
        assertTrue(classifier.classify(deleted("_control/users/1714561200000-0a1b2c3d.reset.json")).isIgnored());
    }

    @Test
    void quarantineReasonIsAFileQuarantinedOfItsSourcesWindow() {
        String key = LAYOUT.quarantineReasonKey("data/app/users/1714564800-w1-3.parquet", 680);
        assertEquals(BucketEvent.fileQuarantined("app/users", key, 1_714_564_800_000L),
                classifier.classify(created(key)).event());
        assertTrue(classifier.classify(deleted(key)).isIgnored());
        // Reasons written before quarantine keys carried the version still count.
        String unversioned = "_quarantine/app/users/1714564800-w1-3.parquet.reason.json";
        assertEquals(BucketEvent.fileQuarantined("app/users", unversioned, 1_714_564_800_000L),
                classifier.classify(created(unversioned)).event());
    }

    /**
     * Every object whose event the classifier acts on lies under a prefix every event source delivers: a kind missing
     * from {@link BucketLayout#eventPrefixes()} would be classified, yet never reach a Kinesis-mode job (issue 23).
     */
    @Test
    void everyKindOfObjectTheJobActsOnIsUnderAnEventPrefix() {
        long window = 1_714_561_200_000L;
        List<String> keys = List.of("data/app/users/1714564800-w1-3.parquet",
                LAYOUT.manifestKey("app/users", window, 0), LAYOUT.stagedMarkerKey("app/users", window, 0, 0),
                LAYOUT.failedMarkerKey("app/users", window, 0, 0),
                ControlCommand.setPriority("1714561200002-00000000", 0).objectKey("app/users"),
                ControlCommand.rollback("1714561200001-ffffffff", window).objectKey("app/users"),
                LAYOUT.quarantineReasonKey("data/app/users/1714564800-w1-3.parquet", 680));
        for (String key : keys) {
            assertTrue(classifier.classify(created(key)).isAccepted(), key);
            assertTrue(LAYOUT.eventPrefixes().stream().anyMatch(key::startsWith),
                    () -> key + " is acted on but under none of " + LAYOUT.eventPrefixes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"_control/users/1714561200000-0a1b2c3d.priority-7.json",
            "_control/users/1714561200000-0a1b2c3d.drop-table.json", "_control/users/reset.json",
            "_control/1714561200000-0a1b2c3d.reset.json", "_control/../1714561200000-0a1b2c3d.reset.json"})
    void malformedControlObjectsAreRejected(String key) {
        assertRejected(created(key), RejectReason.MALFORMED_NAME, "");
    }

    @Test
    void operatorNamespacesAreCheckedLikeKeys() {
        assertEquals("app/users", ControlCommand.checkNamespace("app/users"));
        for (String bad : new String[] {"", "/users", "a/../b", "users/", "a\u0001b", "year=2024"}) {
            assertThrows(IllegalArgumentException.class, () -> ControlCommand.checkNamespace(bad), bad);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"_staging/users/1714561200000-g0-a0/p0.parquet",
            "_staging/users/1714561200000-g0-a1/p12.parquet", "_staging/stray.txt",
            "_quarantine/users/1714564800-w-0.parquet",
            "_state/checkpoint-17", "_rejected/data/users/x.parquet",
            "_tables/compactor/users/metadata/v3.metadata.json", "_delta/users/_delta_log/00000000000000000003.json",
            "_trash/users/1714561200000-g0/1714564800-w-0.parquet"})
    void ownObjectsThatNeedNoActionAreIgnored(String key) {
        for (ObjectEvent e : new ObjectEvent[]{created(key), deleted(key)}) {
            Classification c = classifier.classify(e);
            assertTrue(c.isIgnored(), () -> e + " was " + c);
            assertTrue(c.detail().contains("needs no action"), c::detail);
        }
    }

    @Test
    void removalsOfMarkersAndManifestsAreIgnored() {
        assertTrue(classifier.classify(deleted(LAYOUT.stagedMarkerKey("users", 1_714_561_200_000L, 0, 0))).isIgnored());
        assertTrue(classifier.classify(deleted(LAYOUT.manifestKey("users", 1_714_561_200_000L, 0))).isIgnored());
    }

    static Stream<Arguments> malformedInternalNames() {
        return Stream.of(
                Arguments.of("_manifests/1714561200000-g0.json", "no namespace"),
                Arguments.of("_manifests/users/1714561200000.json", "does not match _manifests/{namespace}"),
                Arguments.of("_manifests/users/1714561200000-g0.txt", "does not match _manifests/{namespace}"),
                Arguments.of("_manifests/users/1714561200000-g99999999999.json", "generation '99999999999' is larger"),
                Arguments.of("_manifests/../1714561200000-g0.json", "'..' segment"),
                Arguments.of("_staging/_STAGED.json", "staged marker is not under _staging/"),
                Arguments.of("_staging/1714561200000-g0-a0/_STAGED.json", "staged marker is not under"),
                Arguments.of("_staging/users/1714561200000-g0/_STAGED.json", "does not match {windowStart}-g{generation}-a{attempt}"),
                Arguments.of("_staging/users/1714561200000-g0-a99999999999/_STAGED.json", "attempt '99999999999' is larger"),
                Arguments.of("_staging/a//1714561200000-g0-a0/_STAGED.json", "empty path segment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedInternalNames")
    void malformedManifestAndMarkerNamesAreRejected(String key, String detailPart) {
        assertRejected(created(key), RejectReason.MALFORMED_NAME, detailPart);
    }

    @ParameterizedTest
    @ValueSource(strings = {"users/1714564800-w-0.parquet", "datastore/users/1714564800-w-0.parquet",
            "Data/users/1714564800-w-0.parquet", "_manifestsx/users/1-g0.json", "readme.md"})
    void keysOutsideOurPrefixesAreRejected(String key) {
        assertRejected(created(key), RejectReason.OUTSIDE_DATA_PREFIX, "neither under the data prefix 'data/'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"data/users/1714564800-w-0.parquet", "_manifests/users/1714561200000-g0.json", "elsewhere"})
    void otherActionsAreUnsupported(String key) {
        ObjectEvent e = new ObjectEvent(ObjectEvent.Action.OTHER, "ObjectTagging:Put", key, 0, null, 0);
        assertRejected(e, RejectReason.UNSUPPORTED_ACTION, "'ObjectTagging:Put' on '" + key + "'");
    }

    @Test
    void eventWithoutKeyIsMalformed() {
        assertRejected(new ObjectEvent(ObjectEvent.Action.CREATED, "PutObject", null, 0, null, 0),
                RejectReason.MALFORMED_NAME, "names no object key");
        assertRejected(new ObjectEvent(ObjectEvent.Action.CREATED, "PutObject", "", 0, null, 0),
                RejectReason.MALFORMED_NAME, "names no object key");
    }

    @Test
    void eventWithoutActionIsUnsupported() {
        assertRejected(new ObjectEvent(null, null, "data/users/1714564800-w-0.parquet", 0, null, 0),
                RejectReason.UNSUPPORTED_ACTION, "neither creates nor removes");
    }

    @ParameterizedTest
    @EnumSource(value = RejectReason.class, names = "COMPACTED_OUTPUT", mode = EnumSource.Mode.EXCLUDE)
    void everyOtherReasonIsAnError(RejectReason reason) {
        assertTrue(reason.isError());
    }

    @Test
    void parsedEventsClassifyEndToEnd() throws Exception {
        String r2 = "{\"action\":\"PutObject\",\"object\":{\"key\":\"data/users/1714564800-writer1-0.parquet\","
                + "\"size\":65536,\"eTag\":\"c846\"},\"eventTime\":\"2024-05-01T12:00:00.000Z\"}";
        ObjectEvent e = new NotificationParser().parse(r2).get(0);
        assertEquals(BucketEvent.fileAdded("users", e.key, 65536, "c846", "writer1", 0, 1_714_564_800_000L),
                classifier.classify(e).event());
    }

    @Test
    void constructorAndClassifyRefuseNull() {
        assertThrows(NullPointerException.class, () -> new EventClassifier(null));
        assertThrows(NullPointerException.class, () -> classifier.classify(null));
    }

    @Test
    void classificationRefusesInconsistentParts() {
        assertThrows(IllegalArgumentException.class, () -> Classification.ignored(""));
        assertThrows(IllegalArgumentException.class, () -> new Classification(Classification.Outcome.ACCEPTED, null,
                null, null));
        assertThrows(IllegalArgumentException.class, () -> new Classification(Classification.Outcome.REJECTED, null,
                null, "why"));
    }
}
