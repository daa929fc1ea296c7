package dev.compactor.operator;

import dev.compactor.events.MalformedNotificationException;
import dev.compactor.events.NotificationParser;
import dev.compactor.events.ObjectEvent;
import dev.compactor.events.RejectReason;
import dev.compactor.events.Rejection;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns notification records from the event stream (one record may hold many events) into object events with keys
 * relative to the bucket's key prefix, as the store sees them. A record that does not parse is counted as
 * {@code rejected.MALFORMED_NOTIFICATION}, logged and sent whole to the {@link #REJECTED} side output: a bad record
 * from a misconfigured producer must never stop compaction. Events for keys outside the prefix belong to someone
 * else; they are counted and sent there too.
 */
@Internal
public class ParseNotifications extends ProcessFunction<byte[], ObjectEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseNotifications.class);

    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected-notifications") {};

    private final String keyPrefix;

    private transient NotificationParser parser;
    private transient Counter read;
    private transient Counter events;
    private transient Counter malformed;
    private transient Counter outsidePrefix;

    /** @param keyPrefix the bucket's key prefix ("" for none); stripped from every event's key */
    public ParseNotifications(String keyPrefix) {
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "key prefix must not be null (use \"\" for none)");
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new NotificationParser();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        read = metrics.counter(CompactorMetrics.NOTIFICATIONS_READ);
        events = metrics.counter(CompactorMetrics.NOTIFICATION_EVENTS);
        MetricGroup rejected = metrics.addGroup(CompactorMetrics.REJECTED_GROUP);
        malformed = rejected.counter(RejectReason.MALFORMED_NOTIFICATION.name());
        outsidePrefix = rejected.counter(RejectReason.OUTSIDE_DATA_PREFIX.name());
    }

    @Override
    public void processElement(byte[] record, Context ctx, Collector<ObjectEvent> out) {
        read.inc();
        try {
            for (ObjectEvent e : parser.parse(record)) {
                events.inc();
                if (e.key.startsWith(keyPrefix)) {
                    e.key = e.key.substring(keyPrefix.length());
                    out.collect(e);
                } else {
                    outsidePrefix.inc();
                    ctx.output(REJECTED, new Rejection(e.key, e.sourceAction, RejectReason.OUTSIDE_DATA_PREFIX.name(),
                            "'" + e.key + "' is outside the bucket's key prefix '" + keyPrefix + "'"));
                }
            }
        } catch (MalformedNotificationException e) {
            malformed.inc();
            LOG.warn("malformed notification record sent to the dead letters: {}", e.getMessage());
            String text = record == null ? null : new String(record, StandardCharsets.UTF_8);
            ctx.output(REJECTED, Rejection.malformedRecord(text, e.getMessage()));
        }
    }
}
