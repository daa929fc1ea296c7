package dev.compactor.job.demo;

import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStore;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays several writers that each flush small Parquet files into several namespaces of the bucket, the way
 * the job's real producers do: {@code data/{ns}/{epochSeconds}-{writerId}-{seq}.parquet}. Writes go through
 * the object store's atomic output, so the bucket watcher never sees half a file.
 */
public final class WriterSimulator {

    static final Schema SCHEMA = SchemaBuilder.record("DemoEvent").namespace("dev.compactor.demo").fields()
            .requiredLong("ts")
            .requiredString("writer")
            .requiredLong("seq")
            .requiredLong("user_id")
            .requiredDouble("value")
            .requiredString("payload")
            .endRecord();

    private static final List<String> NAMESPACE_NAMES = List.of("users", "orders", "events");
    private static final Logger LOG = LoggerFactory.getLogger(WriterSimulator.class);

    /** How many writers write into how many namespaces, how fast in total, and how big each file is. */
    public record Settings(int writers, int namespaces, double filesPerSecond, int rowsPerFile) {
        public Settings {
            requirePositive("writers", writers);
            requirePositive("namespaces", namespaces);
            requirePositive("rows per file", rowsPerFile);
            if (!(filesPerSecond > 0)) {
                throw new IllegalArgumentException("files per second must be > 0, was " + filesPerSecond);
            }
        }

        public static Settings defaults() {
            return new Settings(3, 3, 3.0, 200);
        }

        private static void requirePositive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be > 0, was " + value);
            }
        }
    }

    private final ObjectStore store;
    private final BucketLayout layout;
    private final Settings settings;
    private final Clock clock;
    private final Random random;
    private final List<String> namespaces;
    private final long[] nextSeq;
    private long turn;
    private final AtomicLong filesWritten = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private ScheduledExecutorService scheduler;

    public WriterSimulator(ObjectStore store, BucketLayout layout, Settings settings, Clock clock, long seed) {
        this.store = store;
        this.layout = layout;
        this.settings = settings;
        this.clock = clock;
        this.random = new Random(seed);
        this.namespaces = namespaceNames(settings.namespaces());
        this.nextSeq = new long[settings.writers()];
    }

    /** "users", "orders", "events", then "ns4", "ns5", ... */
    static List<String> namespaceNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(i < NAMESPACE_NAMES.size() ? NAMESPACE_NAMES.get(i) : "ns" + (i + 1));
        }
        return names;
    }

    /** Writer ids carry no '-', which separates the parts of a source file name. */
    static String writerId(int index) {
        return "writer" + (index + 1);
    }

    public List<String> namespaces() {
        return namespaces;
    }

    /**
     * Writes the next file: writers and namespaces take turns, so every writer eventually writes to every
     * namespace. Returns the key written.
     */
    public synchronized String writeNext() throws IOException {
        int pair = (int) (turn++ % ((long) settings.writers() * settings.namespaces()));
        int writer = pair % settings.writers();
        String namespace = namespaces.get(pair / settings.writers());
        long seq = nextSeq[writer]++;
        long nowMillis = clock.millis();
        String key = layout.dataPrefix() + namespace + "/" + (nowMillis / 1000) + "-" + writerId(writer) + "-" + seq + ".parquet";
        try (ParquetWriter<GenericRecord> out = AvroParquetWriter.<GenericRecord>builder(store.outputFile(key))
                .withSchema(SCHEMA)
                .withConf(new PlainParquetConfiguration())
                .withDataModel(GenericData.get())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            for (int row = 0; row < settings.rowsPerFile(); row++) {
                out.write(row(writerId(writer), seq, nowMillis - settings.rowsPerFile() + row));
            }
        }
        filesWritten.incrementAndGet();
        rowsWritten.addAndGet(settings.rowsPerFile());
        return key;
    }

    private GenericRecord row(String writer, long seq, long ts) {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("ts", ts);
        r.put("writer", writer);
        r.put("seq", seq);
        r.put("user_id", 1L + random.nextInt(10_000));
        r.put("value", Math.round(random.nextGaussian() * 10_000) / 100.0);
        r.put("payload", payload());
        return r;
    }

    private String payload() {
        char[] chars = new char[16 + random.nextInt(48)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    /** Starts writing in the background at the configured rate. */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("writer simulator already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "writer-simulator");
            t.setDaemon(true);
            return t;
        });
        long periodMicros = Math.max(1, Math.round(1_000_000 / settings.filesPerSecond()));
        scheduler.scheduleAtFixedRate(this::writeInBackground, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void writeInBackground() {
        try {
            writeNext();
        } catch (IOException | UncheckedIOException e) {
            // a full disk or a removed bucket must not silently end the schedule; count, log, keep going
            failedWrites.incrementAndGet();
            LOG.warn("Writer simulator could not write a file", e);
        }
    }

    /** Stops the background writes; a file being written is finished first. Safe to call more than once. */
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
        }
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Writer simulator did not finish its last file within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long filesWritten() {
        return filesWritten.get();
    }

    public long rowsWritten() {
        return rowsWritten.get();
    }

    public long failedWrites() {
        return failedWrites.get();
    }
}
