package dev.compactor.merge.transcode;

import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.plan.IntegerRange;
import dev.compactor.merge.write.V1PageWriter;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
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

/**
 * An output dictionary that finds the ids of an integer column by offset in its range (the range the inputs'
 * statistics state) writes the pages and the dictionary a hash lookup writes, also for values outside the
 * range, as when statistics are wrong.
 */
class DictionaryPageTranscoderTest {

    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            "message row { required int64 seq; optional int32 code; }");

    @TempDir
    Path dir;

    @Test
    void idsFoundByOffsetInARangeAreTheIdsAHashLookupFinds() throws IOException {
        List<DecodedRowGroup> groups = new ArrayList<>();
        Random random = new Random(17);
        for (int f = 0; f < 4; f++) {
            groups.addAll(InterleavedBatches.decode(write(dir.resolve("f" + f + ".parquet"), random), SCHEMA));
        }
        for (int c = 0; c < SCHEMA.getColumns().size(); c++) {
            ColumnDescriptor column = SCHEMA.getColumns().get(c);
            // the values run from -40 to 259: the range covers part of them, some below and some above it
            DictionaryPageTranscoder byOffset = new DictionaryPageTranscoder(column, 1 << 20, 512,
                    new IntegerRange(0, 99));
            DictionaryPageTranscoder hashed = new DictionaryPageTranscoder(column, 1 << 20, 512, null);
            RecordedPages byOffsetPages = new RecordedPages();
            RecordedPages hashedPages = new RecordedPages();
            int columnIndex = c;
            InterleavedBatches.inRandomBatches(groups, 5, batch -> {
                byOffset.writeRows(batch, columnIndex, byOffsetPages);
                hashed.writeRows(batch, columnIndex, hashedPages);
            });
            byOffset.finish(byOffsetPages);
            hashed.finish(hashedPages);

            assertThat(byOffsetPages.pages).as(column.toString()).hasSizeGreaterThan(10)
                    .anyMatch(p -> p.startsWith("dictionary of 300 entries")).isEqualTo(hashedPages.pages);
        }
    }

    /** Values from -40 to 259 in a shuffled order per file, each file's chunk dictionary-encoded. */
    private static Path write(Path file, Random random) throws IOException {
        SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
                .withConf(new PlainParquetConfiguration()).withRowGroupSize(8L << 10).build()) {
            for (int i = 0; i < 3000; i++) {
                Group row = rows.newGroup().append("seq", (long) (i * 7919 % 300 - 40));
                if (random.nextInt(8) != 0) {
                    row.append("code", random.nextInt(300) - 40);
                }
                writer.write(row);
            }
        }
        return file;
    }

    /** Every page and the dictionary page, as text. */
    private static final class RecordedPages extends V1PageWriter {
        final List<String> pages = new ArrayList<>();

        @Override
        public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                              SizeStatistics sizeStatistics, Encoding rlEncoding, Encoding dlEncoding,
                              Encoding valuesEncoding) throws IOException {
            pages.add(valueCount + " values, " + statistics + ", " + valuesEncoding + ": "
                    + Base64.getEncoder().encodeToString(bytes.toByteArray()));
        }

        @Override
        public void writeDictionaryPage(DictionaryPage page) {
            try {
                pages.add("dictionary of " + page.getDictionarySize() + " entries: "
                        + Base64.getEncoder().encodeToString(page.getBytes().toByteArray()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
