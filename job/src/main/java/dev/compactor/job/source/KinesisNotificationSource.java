package dev.compactor.job.source;

import dev.compactor.job.CompactorOptions;
import dev.compactor.job.InvalidOptionException;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FLIP-27 {@code KinesisStreamsSource} over the stream that carries the bucket's notifications, configured from
 * our options. Its shard positions are checkpointed, so a restore resumes exactly where the checkpoint was taken.
 *
 * <p>The connector (4.3.0-1.19, the one served for Flink 1.20) relocates its config constants, so its keys are
 * written here as plain strings.
 */
public final class KinesisNotificationSource {

    private static final Pattern STREAM_ARN =
            Pattern.compile("arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\\d{12}):stream/([A-Za-z0-9_.-]{1,128})");
    private static final Set<String> INITIAL_POSITIONS = Set.of("LATEST", "TRIM_HORIZON");

    private KinesisNotificationSource() {}

    public static KinesisStreamsSource<byte[]> create(Configuration conf) {
        String arn = conf.getOptional(CompactorOptions.KINESIS_STREAM_ARN).orElseThrow(() -> new InvalidOptionException(
                "--" + CompactorOptions.KINESIS_STREAM_ARN.key() + " is missing: events.source kinesis needs the "
                        + "stream's ARN, like arn:aws:kinesis:us-east-1:123456789012:stream/bucket-events"));
        return KinesisStreamsSource.<byte[]>builder()
                .setStreamArn(arn)
                .setSourceConfig(sourceConfig(conf))
                .setDeserializationSchema(new RawRecordSchema())
                .build();
    }

    /** The stream ARN option, checked: its region is group 1, its account group 2, its name group 3. */
    public static Matcher streamArn(Configuration conf) {
        String arn = conf.get(CompactorOptions.KINESIS_STREAM_ARN);
        Matcher m = STREAM_ARN.matcher(arn == null ? "" : arn);
        if (!m.matches()) {
            throw new InvalidOptionException("invalid value '" + arn + "' for --"
                    + CompactorOptions.KINESIS_STREAM_ARN.key()
                    + ": expected arn:aws:kinesis:{region}:{12-digit account}:stream/{name}");
        }
        return m;
    }

    /** The connector's configuration for our options; checks them first. */
    static Configuration sourceConfig(Configuration conf) {
        Matcher m = streamArn(conf);
        String position = conf.get(CompactorOptions.KINESIS_INITIAL_POSITION).trim().toUpperCase(Locale.ROOT);
        if (!INITIAL_POSITIONS.contains(position)) {
            throw new InvalidOptionException("invalid value '" + conf.get(CompactorOptions.KINESIS_INITIAL_POSITION)
                    + "' for --" + CompactorOptions.KINESIS_INITIAL_POSITION.key() + ": expected TRIM_HORIZON or LATEST");
        }
        Configuration c = new Configuration();
        c.setString("aws.region", conf.getOptional(CompactorOptions.KINESIS_REGION).orElse(m.group(1)));
        conf.getOptional(CompactorOptions.KINESIS_ENDPOINT).ifPresent(endpoint -> c.setString("aws.endpoint", endpoint));
        String accessKey = conf.getOptional(CompactorOptions.KINESIS_ACCESS_KEY).orElse(null);
        String secretKey = conf.getOptional(CompactorOptions.KINESIS_SECRET_KEY).orElse(null);
        if ((accessKey == null) != (secretKey == null)) {
            throw new InvalidOptionException("give both --" + CompactorOptions.KINESIS_ACCESS_KEY.key() + " and --"
                    + CompactorOptions.KINESIS_SECRET_KEY.key() + ", or neither (then the default AWS credentials "
                    + "chain is used)");
        }
        if (accessKey != null) {
            c.setString("aws.credentials.provider", "BASIC");
            c.setString("aws.credentials.provider.basic.accesskeyid", accessKey);
            c.setString("aws.credentials.provider.basic.secretkey", secretKey);
        } else {
            c.setString("aws.credentials.provider", "AUTO");
        }
        c.setString("flink.stream.initpos", position);
        return c;
    }
}
