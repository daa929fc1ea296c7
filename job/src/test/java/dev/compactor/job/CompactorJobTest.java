package dev.compactor.job;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactorJobTest {

    @TempDir
    Path dir;

    @Test
    void programArgumentsBecomeTheJobsOptionsWithAnAbsoluteBucket() {
        Configuration conf = CompactorJob.jobConfiguration(List.of("--bucket", "file://" + dir,
                "--compaction.window-size", "10 min", "--execution.checkpointing.interval", "30 s"));
        assertEquals(dir.toString(), conf.get(CompactorOptions.BUCKET));
        assertEquals(Duration.ofMinutes(10), conf.get(CompactorOptions.WINDOW_SIZE));
        assertEquals("30 s", conf.toMap().get("execution.checkpointing.interval"), "Flink options pass through");
    }

    @Test
    void badArgumentsFailBeforeTheJobIsBuilt() {
        assertTrue(assertThrows(InvalidOptionException.class, () -> CompactorJob.jobConfiguration(List.of()))
                .getMessage().contains("--bucket is missing"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> CompactorJob.jobConfiguration(
                List.of("--bucket", dir.toString(), "--compaction.windowsize", "1 h")))
                .getMessage().contains("unknown option --compaction.windowsize"));
        assertTrue(assertThrows(InvalidOptionException.class, () -> CompactorJob.jobConfiguration(
                List.of("--bucket", dir.toString(), "--compaction.min-files", "many")))
                .getMessage().contains("--compaction.min-files"));
    }
}
