package dev.compactor.merge.fuzz;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential fuzz test of the merge (DESIGN.md, invariant 8): random schemas, writer settings and values; the
 * fast engine's output must equal the reference engine's, and both must equal the inputs as parquet-java and
 * DuckDB read them. Case {@code i} is drawn from seed {@code fuzz.seed + i}; {@code fuzz.cases} cases run (1,000
 * by default, 100,000 with {@code -Pfuzz}). Every failure names its seed and the command that replays it alone.
 */
class MergeFuzzTest {

    private static final long BASE_SEED = Long.getLong("fuzz.seed", 0);
    private static final int CASES = Integer.getInteger("fuzz.cases", 1000);

    /**
     * Thousands of merges would log thousands of lines, and parquet-java warns about every tiny row group the
     * inputs are written with on purpose; only errors are worth reading here.
     */
    private static final String[] QUIETED = {"dev.compactor", "org.apache.parquet"};

    @TempDir
    Path work;

    private final Map<String, Level> levelsBefore = new HashMap<>();

    @BeforeEach
    void quietLogs() {
        for (String name : QUIETED) {
            levelsBefore.put(name, LogManager.getLogger(name).getLevel());
            Configurator.setLevel(name, Level.ERROR);
        }
    }

    @AfterEach
    void restoreLogs() {
        levelsBefore.forEach(Configurator::setLevel);
    }

    @Test
    void theFastEngineWritesWhatTheReferenceEngineAndDuckDbRead() throws Exception {
        FuzzReport report = new FuzzReport(BASE_SEED, CASES);
        long start = System.nanoTime();
        try (DuckDbReader duckDb = new DuckDbReader()) {
            for (int i = 0; i < CASES; i++) {
                long seed = BASE_SEED + i;
                Path dir = Files.createDirectory(work.resolve("case-" + seed));
                try {
                    new DifferentialCheck(FuzzCase.generate(seed), dir, duckDb, report).run();
                } catch (Exception e) {
                    throw new AssertionError("seed " + seed + " could not be set up; replay: "
                            + FuzzReport.replayCommand(seed), e);
                } finally {
                    deleteRecursively(dir); // 100,000 cases must not fill the disk
                }
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println(report.summary(millis));
        if (report.failed()) {
            fail(report.failureMessage(millis));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
