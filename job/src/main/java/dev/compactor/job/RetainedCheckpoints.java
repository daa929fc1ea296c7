package dev.compactor.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints earlier local runs left in a checkpoint directory ({@code {dir}/{jobId}/chk-N/_metadata}), and
 * which one a new run should resume from.
 *
 * <p>Every run has a new job id, and a run started without restoring numbers its checkpoints from 1 again, so
 * neither the job id nor N orders checkpoints across runs: the time {@code _metadata} was written does. Flink
 * writes {@code _metadata} only once a checkpoint is complete, so a {@code chk-N} directory without one (the
 * process died mid-checkpoint) is never chosen; neither is an empty one.
 */
public final class RetainedCheckpoints {

    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-(\\d+)");
    private static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    /** One complete retained checkpoint. */
    public record Checkpoint(Path directory, String jobId, long number, FileTime completedAt) {
        @Override
        public String toString() {
            return "checkpoint " + number + " of job " + jobId + " (" + directory + ", completed " + completedAt + ")";
        }
    }

    /** The most recently completed checkpoint under {@code checkpointsDir}; empty when there is none. */
    public static Optional<Checkpoint> latest(Path checkpointsDir) {
        return all(checkpointsDir).stream()
                .max(Comparator.comparing(Checkpoint::completedAt).thenComparingLong(Checkpoint::number));
    }

    /** Every complete checkpoint under {@code checkpointsDir}, in no particular order. */
    public static List<Checkpoint> all(Path checkpointsDir) {
        List<Checkpoint> found = new ArrayList<>();
        for (Path jobDir : children(checkpointsDir)) {
            for (Path candidate : children(jobDir)) {
                Matcher m = CHECKPOINT_DIR.matcher(candidate.getFileName().toString());
                if (m.matches()) {
                    complete(candidate, jobDir.getFileName().toString(), Long.parseLong(m.group(1)))
                            .ifPresent(found::add);
                }
            }
        }
        return found;
    }

    private static Optional<Checkpoint> complete(Path dir, String jobId, long number) {
        Path metadata = dir.resolve(METADATA);
        try {
            if (Files.isRegularFile(metadata) && Files.size(metadata) > 0) {
                return Optional.of(new Checkpoint(dir, jobId, number, Files.getLastModifiedTime(metadata)));
            }
            return Optional.empty();
        } catch (NoSuchFileException subsumedMeanwhile) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir, e);
        }
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException deletedMeanwhile) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
        }
    }
}
