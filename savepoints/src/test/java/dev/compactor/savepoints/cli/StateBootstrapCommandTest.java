package dev.compactor.savepoints.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument handling of {@code state bootstrap}; the savepoint it writes is tested by StateBootstrapIT. */
class StateBootstrapCommandTest {

    @TempDir
    Path bucket;

    private int run(StringWriter out, String... args) {
        return new CommandLine(new StateCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true)).execute(args);
    }

    @Test
    void needsTheBucketAndWhereToWrite() {
        StringWriter out = new StringWriter();
        assertEquals(2, run(out, "bootstrap", "--bucket", bucket.toString()));
        assertTrue(out.toString().contains("--out"), out.toString());
    }

    @Test
    void aMissingBucketIsAClearError() {
        StringWriter out = new StringWriter();
        assertEquals(2, run(out, "bootstrap", "--bucket", bucket.resolve("nope").toString(), "--out", "sp"));
        assertTrue(out.toString().contains("is not a directory"), out.toString());
    }

    @Test
    void anUnknownJobOptionIsAUsageError() {
        StringWriter out = new StringWriter();
        assertEquals(2, run(out, "bootstrap", "--bucket", bucket.toString(), "--out", "sp",
                "--compaction.window-sise", "1min"));
        assertTrue(out.toString().contains("compaction.window-sise"), out.toString());

        StringWriter badValue = new StringWriter();
        assertEquals(2, run(badValue, "bootstrap", "--bucket", bucket.toString(), "--out", "sp",
                "--compaction.window-size", "soon"));
        assertTrue(badValue.toString().contains("compaction.window-size"), badValue.toString());
    }

    @Test
    void anEmptyBucketWritesNoSavepoint() throws Exception {
        Path savepoint = bucket.resolveSibling(bucket.getFileName() + "-sp");
        StringWriter out = new StringWriter();
        assertEquals(0, run(out, "bootstrap", "--bucket", bucket.toString(), "--out", savepoint.toString()));
        assertTrue(out.toString().contains("no state to rebuild"), out.toString());
        assertFalse(Files.exists(savepoint));
    }
}
