package dev.compactor.job.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * S3 event notification JSON as S3 sends it: one record per event, URL-encoded keys, full keys in the bucket.
 * What the notification bridge and the tests put on the stream in place of S3 itself.
 */
public final class S3EventNotification {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3EventNotification() {}

    public static String created(String bucket, String region, String fullKey, long size, String eTag,
                                 Instant time) {
        ObjectNode object = JSON.createObjectNode()
                .put("key", URLEncoder.encode(fullKey, StandardCharsets.UTF_8))
                .put("size", size)
                .put("eTag", eTag);
        return record("ObjectCreated:Put", bucket, region, object, time);
    }

    public static String removed(String bucket, String region, String fullKey, Instant time) {
        ObjectNode object = JSON.createObjectNode().put("key", URLEncoder.encode(fullKey, StandardCharsets.UTF_8));
        return record("ObjectRemoved:Delete", bucket, region, object, time);
    }

    private static String record(String eventName, String bucket, String region, ObjectNode object, Instant time) {
        ObjectNode r = JSON.createObjectNode()
                .put("eventVersion", "2.1")
                .put("eventSource", "aws:s3")
                .put("awsRegion", region)
                .put("eventTime", time.toString())
                .put("eventName", eventName);
        ObjectNode s3 = r.putObject("s3");
        s3.putObject("bucket").put("name", bucket);
        s3.set("object", object);
        ObjectNode n = JSON.createObjectNode();
        n.putArray("Records").add(r);
        return n.toString();
    }
}
