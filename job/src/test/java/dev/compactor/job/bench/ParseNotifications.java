package dev.compactor.job.bench;

import dev.compactor.events.MalformedNotificationException;
import dev.compactor.events.NotificationParser;
import dev.compactor.events.ObjectEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/** NotificationParser as a Flink step; the generator only writes valid notifications, so a parse error is a bug. */
final class ParseNotifications extends RichFlatMapFunction<String, ObjectEvent> {
    private static final long serialVersionUID = 1L;

    private transient NotificationParser parser;

    @Override
    public void open(OpenContext openContext) {
        parser = new NotificationParser();
    }

    @Override
    public void flatMap(String notification, Collector<ObjectEvent> out) throws MalformedNotificationException {
        for (ObjectEvent event : parser.parse(notification)) {
            out.collect(event);
        }
    }
}
