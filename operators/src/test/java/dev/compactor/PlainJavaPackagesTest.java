package dev.compactor;

import dev.compactor.window.WindowRecord;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The business rules stay plain Java: windows and scheduling, events, status and health, the merge and the commit
 * protocol are tested and reused (the savepoint tools, the CLI's merge) without a Flink runtime. Flink's types stay
 * in the operator package and the job module. Reads the compiled classes, whose constant pools name every type a
 * class uses, imported or fully qualified.
 */
class PlainJavaPackagesTest {

    private static final List<String> PLAIN_PACKAGES = List.of("dev/compactor/window/", "dev/compactor/events/",
            "dev/compactor/status/", "dev/compactor/merge/", "dev/compactor/commit/", "dev/compactor/table/");

    /**
     * The commit protocol's Sink V2 wiring, kept beside the plain classes it adapts (WindowPublisher,
     * StagedWindowCodec, Manifest): the sink, its writer and committer, the committable's versioned serializer and
     * the committer's metrics. Moving them would rename the classes the pipeline and its tests build on for no
     * change in what they do.
     */
    private static final Set<String> FLINK_ADAPTERS = Set.of(
            "dev/compactor/commit/ParquetCommitSink",
            "dev/compactor/commit/StagedWindowWriter",
            "dev/compactor/commit/WindowCommitter",
            "dev/compactor/commit/StagedWindowSerializer",
            "dev/compactor/commit/CommitMetrics");

    private static final String FLINK = "org/apache/flink/";

    @Test
    void plainPackagesUseNoFlinkType() throws Exception {
        Path classes = Path.of(WindowRecord.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> scanned = new ArrayList<>();
        List<String> usingFlink = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (PLAIN_PACKAGES.stream().anyMatch(name::startsWith)
                        && !FLINK_ADAPTERS.contains(outerClass(name))) {
                    scanned.add(name);
                    if (usesFlink(file)) {
                        usingFlink.add(name);
                    }
                }
            });
        }
        assertTrue(scanned.contains("dev/compactor/window/WindowRecord.class"), "no classes found under " + classes);
        assertEquals(List.of(), usingFlink, "plain Java packages must not use Flink types; put the Flink wiring "
                + "in dev.compactor.operator (or the job module) around a plain class");
    }

    @Test
    void everyListedAdapterStillNeedsFlink() throws Exception {
        Path classes = Path.of(WindowRecord.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (String adapter : FLINK_ADAPTERS) {
            assertTrue(usesFlink(classes.resolve(adapter + ".class")),
                    adapter + " no longer uses Flink: take it off the list of exceptions");
        }
    }

    private static String outerClass(String classFile) {
        String name = classFile.substring(0, classFile.length() - ".class".length());
        int inner = name.indexOf('$');
        return inner < 0 ? name : name.substring(0, inner);
    }

    private static boolean usesFlink(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains(FLINK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
