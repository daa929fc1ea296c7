package dev.compactor.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetainedCheckpointsTest {

    @TempDir
    Path dir;

    private Path checkpoint(String job, long number, Instant completed) throws IOException {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + number));
        Path metadata = Files.write(chk.resolve("_metadata"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(metadata, FileTime.from(completed));
        return chk;
    }

    @Test
    void noDirectoryOrNoCheckpointMeansAFreshStart() throws IOException {
        assertTrue(RetainedCheckpoints.latest(dir.resolve("missing")).isEmpty());
        Files.createDirectories(dir.resolve("a1b2").resolve("shared"));
        Files.createDirectories(dir.resolve("a1b2").resolve("taskowned"));
        assertTrue(RetainedCheckpoints.latest(dir).isEmpty());
    }

    @Test
    void theNewestCompletedCheckpointWinsAcrossRuns() throws IOException {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        checkpoint("old-run", 40, t);
        checkpoint("old-run", 41, t.plusSeconds(10));
        // a later run started fresh numbers from 1 again: time, not N, orders runs
        Path newest = checkpoint("new-run", 3, t.plusSeconds(60));
        checkpoint("new-run", 2, t.plusSeconds(50));

        RetainedCheckpoints.Checkpoint latest = RetainedCheckpoints.latest(dir).orElseThrow();
        assertEquals(newest, latest.directory());
        assertEquals("new-run", latest.jobId());
        assertEquals(3, latest.number());
    }

    @Test
    void incompleteCheckpointsAreSkipped() throws IOException {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        Path complete = checkpoint("run", 7, t);
        // the process died while checkpoint 8 was written: no _metadata, or an empty one
        Files.createDirectories(dir.resolve("run/chk-8"));
        Path empty = Files.createDirectories(dir.resolve("run/chk-9")).resolve("_metadata");
        Files.write(empty, new byte[0]);
        Files.setLastModifiedTime(empty, FileTime.from(t.plusSeconds(100)));
        // and something that is no checkpoint at all
        Files.createDirectories(dir.resolve("run/chk-x"));

        assertEquals(complete, RetainedCheckpoints.latest(dir).orElseThrow().directory());
        assertEquals(1, RetainedCheckpoints.all(dir).size());
    }
}
