package dev.compactor.merge.fuzz;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Rewrites a Parquet file as a writer from before format 2.4 (or DuckDB, hyparquet, Impala) would have annotated
 * it: converted types only, no logical types. parquet-java always writes both, so this is the only way to get
 * such files from it. Columns whose annotation has no converted type (UUID, FLOAT16, nanosecond times) keep their
 * logical type. Data pages are untouched; only the footer after them changes, so every offset stays valid.
 */
final class LegacyFooter {

    private static final int TAIL = 8; // footer length (little-endian int) and "PAR1"

    private LegacyFooter() {}

    static byte[] strip(byte[] file) throws IOException {
        int footerLength = ByteBuffer.wrap(file, file.length - TAIL, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int footerStart = file.length - TAIL - footerLength;
        FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(file, footerStart, footerLength));
        for (SchemaElement e : meta.getSchema()) {
            if (e.isSetConverted_type()) {
                e.unsetLogicalType();
            }
        }
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(meta, footer);
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length);
        out.write(file, 0, footerStart);
        footer.writeTo(out);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.size()).array());
        out.write(Arrays.copyOfRange(file, file.length - 4, file.length));
        return out.toByteArray();
    }
}
