package dev.compactor.job.aws;

import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.interceptor.Context;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Injects {@link AwsFaults}' Kinesis faults into the job's reads of the stream: the Flink Kinesis connector's own,
 * shaded AWS SDK, whose global interceptor list on the test classpath names this class. A read answers 500
 * (InternalFailure) or 400 ProvisionedThroughputExceededException, as Kinesis does when a shard's read limit is hit.
 */
public final class KinesisFaults implements ExecutionInterceptor {

    private static final Set<String> READS = Set.of("GetRecords", "GetShardIterator", "ListShards");
    private static final ExecutionAttribute<AwsFaults.Kind> FAULT = new ExecutionAttribute<>("injected-kinesis-fault");
    /** The outage of this call: set by an attempt, seen by the call's retries. */
    private static final ExecutionAttribute<AwsFaults.Kind> OUTAGE =
            new ExecutionAttribute<>("injected-kinesis-outage");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        boolean read = "Kinesis".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))
                && READS.contains(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        AwsFaults.Fault injected = read ? AwsFaults.next("Kinesis", attributes.getAttribute(OUTAGE)) : null;
        attributes.putAttribute(FAULT, injected == null ? null : injected.kind());
        if (injected != null && injected.outage()) {
            attributes.putAttribute(OUTAGE, injected.kind());
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        AwsFaults.Kind fault = attributes.getAttribute(FAULT);
        if (fault == null) {
            return context.httpResponse();
        }
        return context.httpResponse().toBuilder()
                .statusCode(fault == AwsFaults.Kind.KINESIS_THROTTLED ? 400 : 500)
                .putHeader("x-amzn-ErrorType", errorType(fault))
                .removeHeader("Content-Length")
                .build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        AwsFaults.Kind fault = attributes.getAttribute(FAULT);
        if (fault == null) {
            return context.responseBody();
        }
        String json = "{\"__type\":\"" + errorType(fault) + "\",\"message\":\"injected\"}";
        return Optional.of(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String errorType(AwsFaults.Kind fault) {
        return fault == AwsFaults.Kind.KINESIS_THROTTLED ? "ProvisionedThroughputExceededException" : "InternalFailure";
    }
}
