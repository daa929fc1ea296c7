package dev.compactor.merge.write;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * parquet-java's values writers with FLOAT and DOUBLE values written bit for bit. Its own writers encode a float
 * through {@code Double.doubleToLongBits}, which turns every NaN into the canonical one: a -NaN, or a NaN with a
 * payload, would read back as another value than the input held. Here a FLOAT or DOUBLE column is written by the
 * writer parquet-java would use for an INT32 or INT64 column of the same path, fed the raw bits: PLAIN and
 * dictionary encodings lay out four- and eight-byte values the same way for both types, and statistics are kept by
 * the column writer from the floating-point values, not by these writers.
 */
final class ExactFloatValuesWriters implements ValuesWriterFactory {

    private final ValuesWriterFactory delegate;

    ExactFloatValuesWriters(ValuesWriterFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public void initialize(ParquetProperties properties) {
        delegate.initialize(properties);
    }

    @Override
    public ValuesWriter newValuesWriter(ColumnDescriptor column) {
        PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
        if (type != PrimitiveTypeName.FLOAT && type != PrimitiveTypeName.DOUBLE) {
            return delegate.newValuesWriter(column);
        }
        PrimitiveTypeName bits = type == PrimitiveTypeName.FLOAT ? PrimitiveTypeName.INT32 : PrimitiveTypeName.INT64;
        PrimitiveType asBits = Types.primitive(bits, column.getPrimitiveType().getRepetition())
                .named(column.getPrimitiveType().getName());
        ColumnDescriptor sameColumn = new ColumnDescriptor(column.getPath(), asBits, column.getMaxRepetitionLevel(),
                column.getMaxDefinitionLevel());
        return new RawBits(delegate.newValuesWriter(sameColumn));
    }

    /** Takes floating-point values and hands their raw bits to an integer writer. */
    private static final class RawBits extends ValuesWriter {
        private final ValuesWriter bits;

        RawBits(ValuesWriter bits) {
            this.bits = bits;
        }

        @Override
        public void writeFloat(float v) {
            bits.writeInteger(Float.floatToRawIntBits(v));
        }

        @Override
        public void writeDouble(double v) {
            bits.writeLong(Double.doubleToRawLongBits(v));
        }

        @Override
        public long getBufferedSize() {
            return bits.getBufferedSize();
        }

        @Override
        public BytesInput getBytes() {
            return bits.getBytes();
        }

        @Override
        public Encoding getEncoding() {
            return bits.getEncoding();
        }

        @Override
        public void reset() {
            bits.reset();
        }

        @Override
        public void close() {
            bits.close();
        }

        @Override
        public DictionaryPage toDictPageAndClose() {
            return bits.toDictPageAndClose();
        }

        @Override
        public void resetDictionary() {
            bits.resetDictionary();
        }

        @Override
        public long getAllocatedSize() {
            return bits.getAllocatedSize();
        }

        @Override
        public String memUsageString(String prefix) {
            return bits.memUsageString(prefix);
        }
    }
}
