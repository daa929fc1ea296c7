package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.events.Classification;
import dev.compactor.events.EventClassifier;
import dev.compactor.events.ObjectEvent;
import dev.compactor.events.RejectReason;
import dev.compactor.events.Rejection;
import dev.compactor.layout.BucketLayout;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Turns raw object events into what WindowTracker acts on. Rejected events are counted per reason, logged and sent
 * to the {@link #REJECTED} side output; they never fail the job.
 */
@Internal
public class ClassifyEvents extends ProcessFunction<ObjectEvent, BucketEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyEvents.class);

    public static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected-events") {};

    private final BucketLayout layout;

    private transient EventClassifier classifier;
    private transient Counter accepted;
    private transient Counter ignored;
    private transient Map<RejectReason, Counter> rejected;

    public ClassifyEvents(BucketLayout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    @Override
    public void open(OpenContext openContext) {
        classifier = new EventClassifier(layout);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        accepted = metrics.counter(CompactorMetrics.EVENTS_ACCEPTED);
        ignored = metrics.counter(CompactorMetrics.EVENTS_IGNORED);
        rejected = new EnumMap<>(RejectReason.class);
        MetricGroup byReason = metrics.addGroup(CompactorMetrics.REJECTED_GROUP);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, byReason.counter(reason.name()));
        }
    }

    @Override
    public void processElement(ObjectEvent event, Context ctx, Collector<BucketEvent> out) {
        Classification c = classifier.classify(event);
        switch (c.outcome()) {
            case ACCEPTED -> {
                accepted.inc();
                out.collect(c.event());
            }
            case IGNORED -> ignored.inc();
            case REJECTED -> {
                rejected.get(c.reason()).inc();
                if (c.reason().isError()) {
                    LOG.warn("rejected {} {}: {} ({})", event.sourceAction, event.key, c.reason(), c.detail());
                } else {
                    LOG.debug("rejected {} {}: {} ({})", event.sourceAction, event.key, c.reason(), c.detail());
                }
                ctx.output(REJECTED, new Rejection(event.key, event.sourceAction, c.reason().name(), c.detail()));
            }
            default -> throw new IllegalStateException("unknown outcome " + c.outcome());
        }
    }
}
