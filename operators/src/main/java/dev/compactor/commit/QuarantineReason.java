package dev.compactor.commit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.io.IOException;

/**
 * Written next to a quarantined copy ({@code _quarantine/{key}.reason.json}) so an operator who finds the file
 * learns why it is there and which window generation set it aside.
 */
@JsonPropertyOrder({"key", "reason", "namespace", "windowStart", "generation", "quarantinedAt"})
public record QuarantineReason(
        String key, String reason, String namespace, long windowStart, int generation, String quarantinedAt) {

    public byte[] toJson() throws IOException {
        return CommitJson.MAPPER.writeValueAsBytes(this);
    }

    public static QuarantineReason fromJson(byte[] json) throws IOException {
        return CommitJson.MAPPER.readValue(json, QuarantineReason.class);
    }
}
