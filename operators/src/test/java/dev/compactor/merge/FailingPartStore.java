package dev.compactor.merge;

import dev.compactor.store.ForwardingObjectStore;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.io.OutputFile;

import dev.compactor.store.WrappingOutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;

/** A real local bucket whose writes to one key fail, as a full disk or a lost connection would. */
public final class FailingPartStore extends ForwardingObjectStore {

    private final String failingKey;
    private final boolean unchecked;

    FailingPartStore(LocalObjectStore bucket, String failingKey) {
        this(bucket, failingKey, false);
    }

    /** @param unchecked fail with a RuntimeException, as some store clients do, instead of an IOException */
    FailingPartStore(LocalObjectStore bucket, String failingKey, boolean unchecked) {
        super(bucket);
        this.failingKey = failingKey;
        this.unchecked = unchecked;
    }

    /**
     * A bucket whose part {@code failingKey} opens but fails once {@code bytes} bytes were written to it, as a disk
     * filling up during a merge would.
     */
    static ForwardingObjectStore failingAfter(LocalObjectStore bucket, String failingKey, long bytes) {
        return new ForwardingObjectStore(bucket) {
            @Override
            public OutputFile outputFile(String key) throws IOException {
                OutputFile target = delegate().outputFile(key);
                return !key.equals(failingKey) ? target : failingAfter(target, bytes);
            }
        };
    }

    /** An output whose stream fails once {@code bytes} bytes were written to it. */
    public static OutputFile failingAfter(OutputFile target, long bytes) {
        return new WrappingOutputFile(target) {
            @Override
            protected PositionOutputStream wrap(PositionOutputStream out) {
                return new PositionOutputStream() {
                    @Override
                    public long getPos() throws IOException {
                        return out.getPos();
                    }

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (out.getPos() + len > bytes) {
                            throw new IOException("injected failure after " + bytes + " bytes of " + target.getPath());
                        }
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.close();
                    }
                };
            }
        };
    }

    @Override
    public OutputFile outputFile(String key) throws IOException {
        if (key.equals(failingKey)) {
            if (unchecked) {
                throw new IllegalStateException("injected unchecked write failure for " + key);
            }
            throw new IOException("injected write failure for " + key);
        }
        return delegate().outputFile(key);
    }
}
