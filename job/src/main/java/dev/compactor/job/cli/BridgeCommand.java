package dev.compactor.job.cli;

import dev.compactor.job.BucketLocation;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.InvalidOptionException;
import dev.compactor.job.OptionReader;
import dev.compactor.job.bridge.KinesisPublisher;
import dev.compactor.job.bridge.NotificationBridge;
import dev.compactor.job.demo.WriterSimulator;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectStore;
import dev.compactor.store.S3Settings;

import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

@Command(name = "bridge",
        description = "Stand in for S3 -> EventBridge -> Kinesis where the store sends no notifications (a laptop): "
                + "list the s3:// bucket every events.poll-interval and put an S3 event notification on the Kinesis "
                + "stream for each object created or removed under data/, _manifests/, _staging/, _control/ and "
                + "_quarantine/. "
                + "Optionally simulate writers into the bucket. Runs until Ctrl-C.")
final class BridgeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bucket", required = true, paramLabel = "URI", description = "The bucket: s3://bucket/prefix.")
    String bucket;

    @Option(names = "--writers", paramLabel = "N", defaultValue = "0",
            description = "Simulated writers putting small Parquet files into the bucket (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--files-per-second", paramLabel = "RATE", defaultValue = "3",
            description = "Files the simulated writers put per second, all together (default: ${DEFAULT-VALUE}).")
    double filesPerSecond;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    Configuration configuration() {
        return options.use(conf -> {
            conf.set(CompactorOptions.BUCKET, bucket);
            if (!BucketLocation.isS3(bucket)) {
                throw new InvalidOptionException("--bucket " + bucket + ": the bridge announces objects of an "
                        + "s3:// bucket; a local directory needs no bridge (events.source bucket-watch)");
            }
            OptionReader.checkAll(conf, CompactorOptions.all());
            BucketLocation.s3Settings(conf);
            return conf;
        });
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = configuration();
        S3Settings s3 = BucketLocation.s3Settings(conf);
        BucketLayout layout = new BucketLayout(conf.get(CompactorOptions.DATA_PREFIX));
        long pollMillis = conf.get(CompactorOptions.POLL_INTERVAL).toMillis();
        PrintWriter out = spec.commandLine().getOut();
        try (ObjectStore store = BucketLocation.storeFactory(conf).open();
             KinesisPublisher publisher = KinesisPublisher.open(conf)) {
            NotificationBridge bridge = new NotificationBridge(store, layout, s3.bucket(), s3.prefix(),
                    publisher.region(), publisher, Clock.systemUTC());
            WriterSimulator simulator = null;
            if (writers > 0) {
                simulator = new WriterSimulator(store, layout,
                        new WriterSimulator.Settings(writers, 2, filesPerSecond, 200), Clock.systemUTC(),
                        System.nanoTime());
                simulator.start();
            }
            out.printf("Announcing changes of %s on %s every %d ms%s. Press Ctrl-C to stop.%n", s3.uri(),
                    conf.get(CompactorOptions.KINESIS_STREAM_ARN), pollMillis,
                    writers > 0 ? ", with " + writers + " simulated writers" : "");
            out.flush();
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    int announced = bridge.poll();
                    if (announced > 0) {
                        out.printf("announced %d changes%n", announced);
                        out.flush();
                    }
                    Thread.sleep(pollMillis);
                }
            } finally {
                if (simulator != null) {
                    simulator.stop();
                }
            }
        }
        return 0;
    }
}
