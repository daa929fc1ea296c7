package dev.compactor.job.bench;

import org.apache.flink.util.FileUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WindowTracker ingestion on RocksDB: sustained object events per second through parse → classify → keyBy →
 * WindowTracker with checkpoints every 10 s, and the checkpointed state per tracked file, for one hot namespace and
 * for many; next to parsing alone in a plain loop. Run through bench/ingest-bench.sh.
 *
 * <p>Flags: --events N per scenario (500000), --namespaces LIST (1,1000), --parallelism N of the tracker (1),
 * --dir PATH for checkpoints (a fresh temporary directory; emptied before each scenario, removed at the end),
 * --conf KEY=VALUE a Flink option for the job, repeatable (e.g. state.backend.rocksdb.use-bloom-filter=true).
 */
public final class IngestBenchmark {

    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        long events = 500_000;
        int[] namespaceCounts = {1, 1000};
        int parallelism = 1;
        Path dir = null;
        Map<String, String> conf = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(value);
                case "--namespaces" ->
                        namespaceCounts = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--parallelism" -> parallelism = Integer.parseInt(value);
                case "--dir" -> dir = Path.of(value);
                case "--conf" -> {
                    String[] entry = value.split("=", 2);
                    if (entry.length != 2) {
                        throw new IllegalArgumentException("--conf takes KEY=VALUE, got '" + value + "'");
                    }
                    conf.put(entry[0], entry[1]);
                }
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + "; use --events N --namespaces 1,1000 --parallelism N --dir PATH --conf KEY=VALUE");
            }
        }
        Path checkpoints = dir == null ? Files.createTempDirectory("ingest-bench-") : dir;

        System.out.printf("WindowTracker ingestion: %,d events per scenario, tracker parallelism %d, "
                + "incremental RocksDB, checkpoint every %d s, %d cores%s%n", events, parallelism,
                TrackerIngestRun.CHECKPOINT_INTERVAL.toSeconds(), Runtime.getRuntime().availableProcessors(),
                conf.isEmpty() ? "" : ", " + conf);
        // Rows print as they are measured: a slow scenario on a busy machine must not hide the finished ones.
        System.out.println(row("step", "namespaces", "events", "seconds", "events/s", "CPU µs/event", "checkpoints",
                "state MiB", "bytes/file", "dispatched"));
        for (int namespaces : namespaceCounts) {
            ParseBaseline.Timing t = new ParseBaseline()
                    .time(new NotificationGenerator(events, namespaces, Instant.now()), events);
            System.out.println(row("parse+classify, plain loop", namespaces, events, t.seconds(), events / t.seconds(),
                    t.cpuSeconds() * 1e6 / events, "-", "-", "-", "-"));
        }
        for (int namespaces : namespaceCounts) {
            FileUtils.deleteDirectory(checkpoints.toFile());
            Files.createDirectories(checkpoints);
            IngestResult r = new TrackerIngestRun(events, namespaces, parallelism, checkpoints, conf).run();
            System.out.println(row("Flink → WindowTracker (RocksDB)", r.namespaces(), r.events(), r.seconds(),
                    r.eventsPerSecond(), r.cpuMicrosPerEvent(), String.valueOf(r.checkpointsDuringIngest()),
                    String.format("%.1f", r.stateBytes() / 1048576.0), String.format("%.0f", r.stateBytesPerFile()),
                    String.valueOf(r.dispatched())));
        }
        FileUtils.deleteDirectory(checkpoints.toFile());
    }

    private static String row(String step, int namespaces, long events, double seconds, double perSecond,
                              double cpuMicrosPerEvent, String checkpoints, String stateMib, String bytesPerFile,
                              String dispatched) {
        return row(step, String.format("%,d", namespaces), String.format("%,d", events), String.format("%.1f", seconds),
                String.format("%,.0f", perSecond), String.format("%.1f", cpuMicrosPerEvent), checkpoints, stateMib,
                bytesPerFile, dispatched);
    }

    private static String row(String... cells) {
        return String.format("%-32s %10s %11s %8s %10s %12s %11s %9s %10s %10s", (Object[]) cells);
    }
}
