package dev.compactor.store;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A Parquet output that lands in S3 only when closed: bytes go to a local temporary file (memory stays flat
 * whatever the part size), then one PUT, or a multipart upload at or above the threshold. A failed multipart upload
 * is aborted so it leaves no billed parts behind.
 */
final class S3OutputFile implements OutputFile {

    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3ObjectStore store;
    private final String key;

    S3OutputFile(S3ObjectStore store, String key) {
        this.store = store;
        this.key = key;
        store.fullKey(key); // checks the key now rather than after the whole part is written
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return new UploadOnClose(Files.createTempFile("s3-upload-", ".part"));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return store.settings().uri() + key;
    }

    private final class UploadOnClose extends TemporaryFileStream {
        UploadOnClose(Path tmp) throws IOException {
            super(tmp, Files.newOutputStream(tmp));
        }

        @Override
        protected void publish(Path tmp, long size, OutputStream flushed) throws IOException {
            flushed.close();
            if (size >= store.settings().multipartThreshold()) {
                uploadInParts(tmp, size);
            } else {
                store.put(key, RequestBody.fromFile(tmp));
            }
        }
    }

    private void uploadInParts(Path file, long size) throws IOException {
        S3Client s3 = store.client();
        String bucket = store.settings().bucket();
        String fullKey = store.fullKey(key);
        long partSize = store.settings().partSize();
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(fullKey)).uploadId();
        } catch (SdkException e) {
            throw store.failure("create multipart upload", fullKey, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long offset = 0, number = 1; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                long from = offset;
                int partNumber = (int) number;
                // A provider, not a stream: the SDK opens it again when it retries the part.
                RequestBody body = RequestBody.fromContentProvider(() -> slice(file, from, length), length, CONTENT_TYPE);
                String eTag = s3.uploadPart(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId)
                        .partNumber(partNumber).contentLength(length), body).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            abort(s3, bucket, fullKey, uploadId, e);
            throw store.failure("multipart upload", fullKey, e);
        } catch (UncheckedIOException e) {
            abort(s3, bucket, fullKey, uploadId, e);
            throw e.getCause();
        }
    }

    private static void abort(S3Client s3, String bucket, String fullKey, String uploadId, Exception cause) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId));
        } catch (SdkException e) {
            cause.addSuppressed(e);
        }
    }

    private static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reopen the upload buffer " + file, e);
        }
    }

    /** Ends after {@code limit} bytes of the wrapped stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
