package dev.compactor.job.cli;

import dev.compactor.job.LocalFileMerge;
import dev.compactor.merge.MergeSettings;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "merge",
        description = "Merge local Parquet files into one (or, past the target size, several numbered) files with "
                + "the job's merger, without Flink. Inputs are merged in the order given unless --sort-column is set.")
final class MergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The output file; with several parts, FILE-0.parquet, FILE-1.parquet, ...")
    Path out;

    @Option(names = "--sort-column", paramLabel = "C", description = "Top-level column to order rows by.")
    String sortColumn;

    @Option(names = "--target-file-size", paramLabel = "S", defaultValue = "1 gb",
            description = "Size at which an output is closed and the next started (default: ${DEFAULT-VALUE}).")
    String targetFileSize;

    @Option(names = "--row-group-size", paramLabel = "S", defaultValue = "128 mb",
            description = "Size of the row groups the merge encodes (default: ${DEFAULT-VALUE}).")
    String rowGroupSize;

    @Option(names = "--row-group-rows", paramLabel = "N", defaultValue = "1000000",
            description = "A row group the merge encodes also ends at this many rows (default: ${DEFAULT-VALUE}).")
    long rowGroupRows;

    @Option(names = "--merge-memory", paramLabel = "S", defaultValue = "256 mb",
            description = "Bound on the bytes the merge buffers (default: ${DEFAULT-VALUE}).")
    String mergeMemory;

    @Option(names = "--compression", paramLabel = "CODEC", defaultValue = MergeSettings.DEFAULT_COMPRESSION,
            description = "Codec of re-encoded row groups: ZSTD, SNAPPY, GZIP or UNCOMPRESSED (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--compression-level", paramLabel = "L", defaultValue = "" + MergeSettings.DEFAULT_COMPRESSION_LEVEL,
            description = "ZSTD level, " + MergeSettings.MIN_ZSTD_LEVEL + " (fastest) to " + MergeSettings.MAX_ZSTD_LEVEL
                    + " (smallest) (default: ${DEFAULT-VALUE}).")
    int compressionLevel;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "" + MergeSettings.DEFAULT_THREADS,
            description = "1 compresses on the merge's thread; 2 on a second thread while the merge goes on "
                    + "(default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--engine", paramLabel = "E", defaultValue = "FAST",
            description = "FAST (copies and re-encodes columns; hands what it cannot do to REFERENCE) or REFERENCE "
                    + "(rows through parquet-java's record API only) (default: ${DEFAULT-VALUE}).")
    MergeSettings.Engine engine;

    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Parquet files to merge.")
    List<Path> inputs = new ArrayList<>();

    MergeSettings settings() {
        long rowGroup = bytes("--row-group-size", rowGroupSize);
        try {
            return new MergeSettings(bytes("--target-file-size", targetFileSize), sortColumn,
                    bytes("--merge-memory", mergeMemory), compression, "", rowGroup,
                    MergeSettings.defaultCopyThreshold(rowGroup), rowGroupRows,
                    MergeSettings.defaultCopyThreshold(rowGroupRows), threads, compressionLevel, engine);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private long bytes(String option, String size) {
        try {
            return MemorySize.parse(size).getBytes();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    "invalid size '" + size + "' for " + option + " (use e.g. \"128 mb\"): " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        MergeSettings settings = settings();
        PrintWriter console = spec.commandLine().getOut();
        console.printf("Merging %d files into %s ...%n", inputs.size(), out);
        console.flush();
        long t0 = System.nanoTime();
        LocalFileMerge.Summary s = new LocalFileMerge(settings).merge(inputs, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        console.printf("%,d rows, %.1f MB in, %.1f MB out, %d row groups, %d file(s), %.2f s (%.2f M rows/s)%n",
                s.rows(), s.bytesIn() / 1e6, s.bytesOut() / 1e6, s.rowGroups(), s.outputs().size(), seconds,
                s.rows() / seconds / 1e6);
        s.outputs().forEach(o -> console.println("  " + o));
        return 0;
    }
}
