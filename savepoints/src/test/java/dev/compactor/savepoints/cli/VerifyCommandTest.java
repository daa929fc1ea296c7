package dev.compactor.savepoints.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {

    @TempDir
    Path bucket;

    private int run(StringWriter out, String... args) {
        return new CommandLine(new VerifyCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true)).execute(args);
    }

    @Test
    void exitsZeroOnAMatchingBucketAndOneOnAMismatch() throws Exception {
        StringWriter clean = new StringWriter();
        assertEquals(0, run(clean, "--bucket", bucket.toString()));
        assertTrue(clean.toString().contains("0 manifests, 0 outputs checked: everything matches"), clean.toString());

        Files.createDirectories(bucket.resolve("_staging/users"));
        Files.write(bucket.resolve("_staging/users/stray.parquet"), new byte[] {1});
        StringWriter dirty = new StringWriter();
        assertEquals(1, run(dirty, "--bucket", bucket.toUri().toString()));
        assertTrue(dirty.toString().contains("ORPHAN_STAGING _staging/users/stray.parquet"), dirty.toString());
        assertTrue(dirty.toString().contains("1 mismatches"), dirty.toString());
    }

    @Test
    void takesTheJobsTableOptions() {
        StringWriter table = new StringWriter();
        assertEquals(0, run(table, "--bucket", bucket.toString(), "--compaction.target-format", "iceberg"));
        assertTrue(table.toString().contains("everything matches"), table.toString());

        StringWriter delta = new StringWriter();
        assertEquals(0, run(delta, "--bucket", bucket.toString(), "--compaction.target-format", "delta"));
        assertTrue(delta.toString().contains("everything matches"), delta.toString());

        StringWriter wrong = new StringWriter();
        assertEquals(2, run(wrong, "--bucket", bucket.toString(), "--compaction.target-format", "parquet"));
        assertTrue(wrong.toString().contains("expected one of native, iceberg, delta"), wrong.toString());
    }

    @Test
    void aMissingBucketIsAClearError() {
        StringWriter out = new StringWriter();
        assertEquals(2, run(out, "--bucket", bucket.resolve("nope").toString()));
        assertTrue(out.toString().contains("is not a directory"), out.toString());
    }
}
