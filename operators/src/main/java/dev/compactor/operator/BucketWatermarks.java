package dev.compactor.operator;

import dev.compactor.events.BucketEvent;
import dev.compactor.window.QuietBucketClock;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time from the writers' file names, advanced by the wall clock when the bucket is quiet
 * ({@link QuietBucketClock}). Only new source files move event time; manifests and staging markers carry
 * the store's timestamp but do not advance the watermark.
 */
@Internal
public final class BucketWatermarks implements WatermarkStrategy<BucketEvent> {
    private static final long serialVersionUID = 1L;

    private final long outOfOrdernessMs;

    public BucketWatermarks(long outOfOrdernessMs) {
        if (outOfOrdernessMs < 0) {
            throw new IllegalArgumentException("out-of-orderness must not be negative, was " + outOfOrdernessMs + " ms");
        }
        this.outOfOrdernessMs = outOfOrdernessMs;
    }

    @Override
    public TimestampAssigner<BucketEvent> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (event, recordTimestamp) ->
                event.type == BucketEvent.Type.FILE_ADDED ? event.fileTimeMillis : recordTimestamp;
    }

    @Override
    public WatermarkGenerator<BucketEvent> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        QuietBucketClock clock = new QuietBucketClock(outOfOrdernessMs);
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(BucketEvent event, long eventTimestamp, WatermarkOutput output) {
                if (event.type == BucketEvent.Type.FILE_ADDED) {
                    clock.onFile(eventTimestamp, System.currentTimeMillis());
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                long now = clock.now(System.currentTimeMillis());
                if (now != Long.MIN_VALUE) {
                    output.emitWatermark(new Watermark(now));
                }
            }
        };
    }
}
