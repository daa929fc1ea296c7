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

/**
 * Turns notification records from the event stream (one record may hold many events) into object events. A record
 * that does not parse is counted as {@code rejected.MALFORMED_NOTIFICATION}, logged and sent whole to the
 * {@link #MALFORMED} side output: a bad record from a misconfigured producer must never stop compaction.
 */
@Internal
public class ParseNotifications extends ProcessFunction<byte[], ObjectEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseNotifications.class);

    public static final OutputTag<Rejection> MALFORMED = new OutputTag<>("malformed-notifications") {};

    private transient NotificationParser parser;
    private transient Counter read;
    private transient Counter events;
    private transient Counter malformed;

    @Override
    public void open(OpenContext openContext) {
        parser = new NotificationParser();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        read = metrics.counter(CompactorMetrics.NOTIFICATIONS_READ);
        events = metrics.counter(CompactorMetrics.NOTIFICATION_EVENTS);
        malformed = metrics.addGroup(CompactorMetrics.REJECTED_GROUP)
                .counter(RejectReason.MALFORMED_NOTIFICATION.name());
    }

    @Override
    public void processElement(byte[] record, Context ctx, Collector<ObjectEvent> out) {
        read.inc();
        try {
            for (ObjectEvent e : parser.parse(record)) {
                events.inc();
                out.collect(e);
            }
        } catch (MalformedNotificationException e) {
            malformed.inc();
            LOG.warn("malformed notification record sent to the dead letters: {}", e.getMessage());
            String text = record == null ? null : new String(record, StandardCharsets.UTF_8);
            ctx.output(MALFORMED, Rejection.malformedRecord(text, e.getMessage()));
        }
    }
}
