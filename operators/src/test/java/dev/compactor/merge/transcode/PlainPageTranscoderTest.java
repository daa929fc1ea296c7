package dev.compactor.merge.transcode;

import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.write.RowBatch;
import dev.compactor.merge.write.V1PageWriter;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The sorted merge's gather into PLAIN pages: a batch at a time must give the pages a row at a time gives. */
class PlainPageTranscoderTest {

    /** Each order the gather of numbers knows: signed (with and without a logical type), unsigned, floating point. */
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message row {"
            + " required int64 signed; required int64 ts (TIMESTAMP(MILLIS,true));"
            + " optional int64 unsigned (INTEGER(64,false)); optional double d;"
            + " required int32 n; optional int32 small (INTEGER(32,false)); optional float f; }");
    /** First bytes of the strings: a few, one above 0x7f (negative as a Java byte). */
    private static final byte[] FIRST_BYTES = {'a', 'b', (byte) 0xc3, 'z'};
    /** Small pages, so that pages end inside batches. */
    private static final int PAGE_BYTES = 200;

    @TempDir
    Path dir;

    @Test
    void batchesOfNumbersGiveThePagesAndStatisticsThatRowsOneAtATimeGive() throws IOException {
        List<DecodedRowGroup> groups = new ArrayList<>();
        Random random = new Random(3);
        for (int f = 0; f < 3; f++) {
            groups.addAll(InterleavedBatches.decode(write(dir.resolve("f" + f + ".parquet"), random, 2500), SCHEMA));
        }
        assertThat(groups).hasSizeGreaterThan(3);
        for (int c = 0; c < SCHEMA.getColumns().size(); c++) {
            ColumnDescriptor column = SCHEMA.getColumns().get(c);
            PlainPageTranscoder batched = new PlainPageTranscoder(column, PAGE_BYTES);
            PlainPageTranscoder oneByOne = new PlainPageTranscoder(column, PAGE_BYTES);
            RecordedPages batchedPages = new RecordedPages();
            RecordedPages oneByOnePages = new RecordedPages();
            int columnIndex = c;
            InterleavedBatches.inRandomBatches(groups, 5, batch -> {
                batched.writeRows(batch, columnIndex, batchedPages);
                for (int i = 0; i < batch.size(); i++) {
                    oneByOne.writeRow(batch.columns(columnIndex)[batch.groupOf[i]], batch.rows[i]);
                    oneByOne.flushWhenFull(oneByOnePages);
                }
            });
            batched.flush(batchedPages);
            oneByOne.flush(oneByOnePages);

            assertThat(batchedPages.pages).as(column.toString()).hasSizeGreaterThan(100)
                    .isEqualTo(oneByOnePages.pages);
        }
    }

    /**
     * Strings gathered a batch at a time: each page's statistics are those of its values counted one by one by
     * parquet-java, in unsigned byte order: shared first bytes, bytes above 0x7f, empty strings and nulls.
     */
    @Test
    void batchesOfStringsCountEachPageAsParquetJavaCountsItsValues() throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType("message row { optional binary s (STRING); }");
        ColumnDescriptor column = schema.getColumns().get(0);
        Path file = dir.resolve("strings.parquet");
        Random random = new Random(9);
        List<Binary> values = new ArrayList<>();
        SimpleGroupFactory rows = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withDictionaryEncoding(false).build()) {
            for (int i = 0; i < 3000; i++) {
                Group row = rows.newGroup();
                if (random.nextInt(9) == 0) {
                    values.add(null);
                } else {
                    byte[] bytes = new byte[random.nextInt(40) == 0 ? 0 : 1 + random.nextInt(6)];
                    for (int b = 0; b < bytes.length; b++) {
                        // few distinct first bytes, so that most values share the least's or the greatest's
                        bytes[b] = (b == 0 ? FIRST_BYTES[random.nextInt(FIRST_BYTES.length)] : (byte) random.nextInt(256));
                    }
                    values.add(Binary.fromConstantByteArray(bytes));
                    row.append("s", Binary.fromConstantByteArray(bytes));
                }
                writer.write(row);
            }
        }
        DecodedRowGroup group = InterleavedBatches.decode(file, schema).get(0);
        PlainPageTranscoder transcoder = new PlainPageTranscoder(column, PAGE_BYTES);
        RecordedPages pages = new RecordedPages();
        RowBatch batch = new RowBatch(1024);
        for (int row = 0; row < group.rows; row++) {
            batch.add(group, row, 0);
            if (batch.size() == 700 || row + 1 == group.rows) {
                transcoder.writeRows(batch, 0, pages);
                batch.clear();
            }
        }
        transcoder.flush(pages);

        List<String> expected = new ArrayList<>();
        int next = 0;
        for (int count : pages.valueCounts) {
            Statistics<?> stats = Statistics.createStats(column.getPrimitiveType());
            for (Binary value : values.subList(next, next + count)) {
                if (value == null) {
                    stats.incrementNumNulls();
                } else {
                    stats.updateStats(value);
                }
            }
            next += count;
            expected.add(describe(stats));
        }
        assertThat(next).isEqualTo(values.size());
        assertThat(pages.statistics).hasSizeGreaterThan(50).isEqualTo(expected);
    }

    private static String describe(Statistics<?> statistics) {
        Base64.Encoder base64 = Base64.getEncoder();
        return statistics + ", nulls " + statistics.getNumNulls() + ", min "
                + base64.encodeToString(statistics.getMinBytes()) + ", max "
                + base64.encodeToString(statistics.getMaxBytes());
    }

    /** Nulls, negatives, unsigned values past the signed maximum, NaN, both zeros and infinities. */
    private static Path write(Path file, Random random, int rows) throws IOException {
        double[] special = {Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        float[] specialFloats = {Float.NaN, -0.0f, 0.0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
                .withConf(new PlainParquetConfiguration()).withDictionaryEncoding(false).withRowGroupSize(16L << 10)
                .build()) {
            for (int i = 0; i < rows; i++) {
                Group row = groups.newGroup().append("signed", random.nextLong() >> random.nextInt(64))
                        .append("ts", 1_700_000_000_000L + random.nextInt(100_000) - 50_000);
                if (random.nextInt(7) != 0) {
                    row.append("unsigned", random.nextBoolean() ? random.nextLong() : random.nextInt(1000));
                }
                if (random.nextInt(5) != 0) {
                    row.append("d", random.nextInt(200) == 0 ? special[random.nextInt(special.length)]
                            : random.nextGaussian() * 1e3);
                }
                row.append("n", random.nextInt() >> random.nextInt(32));
                if (random.nextInt(6) != 0) {
                    row.append("small", random.nextBoolean() ? random.nextInt() : random.nextInt(1000));
                }
                if (random.nextInt(4) != 0) {
                    row.append("f", random.nextInt(200) == 0 ? specialFloats[random.nextInt(specialFloats.length)]
                            : (float) random.nextGaussian());
                }
                writer.write(row);
            }
        }
        return file;
    }

    /** Every page written, as text: counts, statistics (min and max as bytes too) and the page's bytes. */
    private static final class RecordedPages extends V1PageWriter {
        final List<String> pages = new ArrayList<>();
        final List<Integer> valueCounts = new ArrayList<>();
        final List<String> statistics = new ArrayList<>();

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                              Encoding valuesEncoding) throws IOException {
            valueCounts.add(valueCount);
            this.statistics.add(describe(statistics));
            pages.add(valueCount + " values, " + rowCount + " rows, " + describe(statistics) + ", " + valuesEncoding
                    + ": " + Base64.getEncoder().encodeToString(bytes.toByteArray()));
        }
    }
}
