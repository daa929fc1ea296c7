package dev.compactor.commit;

import com.fasterxml.jackson.core.JacksonException;

import java.io.IOException;

/** Manifest to JSON bytes and back; refuses manifests of a format this build does not know. */
public final class ManifestCodec {

    private ManifestCodec() {}

    public static byte[] toJson(Manifest manifest) throws IOException {
        return CommitJson.MAPPER.writeValueAsBytes(manifest);
    }

    public static Manifest fromJson(byte[] json) throws IOException {
        Manifest manifest;
        try {
            manifest = CommitJson.MAPPER.readValue(json, Manifest.class);
        } catch (JacksonException e) {
            throw new IOException("not a readable manifest: " + e.getOriginalMessage(), e);
        }
        if (manifest.formatVersion() != Manifest.FORMAT_VERSION) {
            throw new IOException("manifest of window " + manifest.namespace() + "/" + manifest.windowStart()
                    + " g" + manifest.generation() + " has format version " + manifest.formatVersion()
                    + "; this build reads version " + Manifest.FORMAT_VERSION);
        }
        return manifest;
    }
}
