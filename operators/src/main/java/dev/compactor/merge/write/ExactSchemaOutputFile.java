package dev.compactor.merge.write;

import dev.compactor.store.WrappingOutputFile;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An output whose footer carries the window's schema exactly as the inputs wrote it. parquet-java keeps a
 * column's annotation as one logical type and writes it back as both a logical type and a converted type: a
 * column an older writer annotated with a legacy converted type only (TIMESTAMP_MILLIS, say, which readers take
 * as a local timestamp) would come out as a UTC timestamp. So the file writer's last bytes (page indexes, then
 * footer) are held back, and on close the footer's schema elements are replaced by the inputs' own.
 *
 * <p>Only the schema changes: the elements describe the same tree of the same physical columns (checked), the
 * page indexes before the footer keep their offsets, and the footer's length is rewritten.
 */
final class ExactSchemaOutputFile extends WrappingOutputFile {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final List<SchemaElement> elements;
    private TailHoldingStream stream;

    ExactSchemaOutputFile(OutputFile out, List<SchemaElement> elements) {
        super(out);
        this.elements = elements;
    }

    @Override
    protected PositionOutputStream wrap(PositionOutputStream out) {
        stream = new TailHoldingStream(out);
        return stream;
    }

    /** From now on (the last row group ended), bytes are held until close rewrites the footer in them. */
    void holdTail() {
        stream.holding = true;
    }

    private final class TailHoldingStream extends PositionOutputStream {
        private final PositionOutputStream target;
        private final ByteArrayOutputStream tail = new ByteArrayOutputStream();
        private boolean holding;
        private boolean closed;

        TailHoldingStream(PositionOutputStream target) {
            this.target = target;
        }

        @Override
        public long getPos() throws IOException {
            return target.getPos() + tail.size();
        }

        @Override
        public void write(int b) throws IOException {
            if (holding) {
                tail.write(b);
            } else {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (holding) {
                tail.write(b, off, len);
            } else {
                target.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (!holding) {
                target.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (holding) {
                    target.write(withExactSchema(tail.toByteArray()));
                }
            } finally {
                target.close();
            }
        }
    }

    /** The held bytes with the footer's schema replaced; bytes before the footer unchanged. */
    private byte[] withExactSchema(byte[] held) throws IOException {
        int n = held.length;
        int footerLength = ByteBuffer.wrap(held, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int footerStart = n - 8 - footerLength;
        FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(held, footerStart, footerLength));
        if (leaves(footer.getSchema()) != leaves(elements) || footer.getSchema().size() != elements.size()) {
            throw new IllegalStateException("the window's schema elements do not describe the written schema: "
                    + elements + " against " + footer.getSchema());
        }
        footer.setSchema(elements);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream(n + 256);
        rewritten.write(held, 0, footerStart);
        Util.writeFileMetaData(footer, rewritten);
        int newLength = rewritten.size() - footerStart;
        rewritten.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(newLength).array());
        rewritten.write(MAGIC);
        return rewritten.toByteArray();
    }

    private static long leaves(List<SchemaElement> elements) {
        return elements.stream().filter(SchemaElement::isSetType).count();
    }
}
