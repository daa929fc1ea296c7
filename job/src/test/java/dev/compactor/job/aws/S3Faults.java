package dev.compactor.job.aws;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Injects {@link AwsFaults}' S3 faults into every attempt of an S3 call made with the (unshaded) AWS SDK, the one
 * our S3 store uses. Registered for every client through the SDK's global interceptor list on the test classpath.
 * A timeout is thrown before the request leaves; a server error or throttling replaces the answer of a request that
 * the server did carry out, the ambiguous case a retry must cope with.
 */
public final class S3Faults implements ExecutionInterceptor {

    private static final ExecutionAttribute<AwsFaults.Kind> FAULT = new ExecutionAttribute<>("injected-s3-fault");
    /** The outage of this call: set by an attempt, seen by the call's retries. */
    private static final ExecutionAttribute<AwsFaults.Kind> OUTAGE = new ExecutionAttribute<>("injected-s3-outage");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(FAULT, null);
        if (!"S3".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            return;
        }
        AwsFaults.Fault injected = AwsFaults.next("S3", attributes.getAttribute(OUTAGE));
        AwsFaults.Kind fault = injected == null ? null : injected.kind();
        if (injected != null && injected.outage()) {
            attributes.putAttribute(OUTAGE, fault);
        }
        if (fault == AwsFaults.Kind.S3_TIMEOUT) {
            throw SdkClientException.create("injected: " + operation(context.request(), attributes) + " timed out",
                    new SocketTimeoutException("Read timed out (injected)"));
        }
        attributes.putAttribute(FAULT, fault);
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        AwsFaults.Kind fault = attributes.getAttribute(FAULT);
        if (fault == AwsFaults.Kind.S3_SERVER_ERROR) {
            return context.httpResponse().toBuilder().statusCode(500).statusText("Internal Server Error").build();
        }
        if (fault == AwsFaults.Kind.S3_THROTTLED) {
            return context.httpResponse().toBuilder().statusCode(503).statusText("Slow Down").build();
        }
        return context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        AwsFaults.Kind fault = attributes.getAttribute(FAULT);
        if (fault == AwsFaults.Kind.S3_SERVER_ERROR) {
            return Optional.of(error("InternalError", "We encountered an internal error. Please try again."));
        }
        if (fault == AwsFaults.Kind.S3_THROTTLED) {
            return Optional.of(error("SlowDown", "Please reduce your request rate."));
        }
        return context.responseBody();
    }

    private static InputStream error(String code, String message) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + " (injected)</Message><RequestId>injected</RequestId></Error>";
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String operation(SdkRequest request, ExecutionAttributes attributes) {
        String name = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return name != null ? name : request.getClass().getSimpleName();
    }
}
