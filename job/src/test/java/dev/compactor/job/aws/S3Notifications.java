package dev.compactor.job.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** S3 event notification JSON as S3 sends it: one record per event, URL-encoded keys, full keys in the bucket. */
public final class S3Notifications {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Notifications() {}

    public static String created(String bucket, String fullKey, long size, String eTag) {
        ObjectNode object = JSON.createObjectNode()
                .put("key", URLEncoder.encode(fullKey, StandardCharsets.UTF_8))
                .put("size", size)
                .put("eTag", eTag);
        return record("ObjectCreated:Put", bucket, object);
    }

    public static String removed(String bucket, String fullKey) {
        ObjectNode object = JSON.createObjectNode().put("key", URLEncoder.encode(fullKey, StandardCharsets.UTF_8));
        return record("ObjectRemoved:Delete", bucket, object);
    }

    private static String record(String eventName, String bucket, ObjectNode object) {
        ObjectNode r = JSON.createObjectNode()
                .put("eventVersion", "2.1")
                .put("eventSource", "aws:s3")
                .put("awsRegion", KinesisLocal.REGION)
                .put("eventTime", Instant.now().toString())
                .put("eventName", eventName);
        ObjectNode s3 = r.putObject("s3");
        s3.putObject("bucket").put("name", bucket);
        s3.set("object", object);
        ObjectNode n = JSON.createObjectNode();
        n.putArray("Records").add(r);
        return n.toString();
    }
}
