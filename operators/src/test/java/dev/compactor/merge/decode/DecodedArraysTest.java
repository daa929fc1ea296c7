package dev.compactor.merge.decode;

import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.read.SourceRowGroups;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodedArraysTest {

    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message row { required int64 seq; "
            + "optional binary code (STRING); required binary text (STRING); optional double d; }");

    @TempDir
    Path dir;

    @Test
    void handsOutAKeptArrayOnlyWhenItIsLongEnoughAndAtMostAnEighthLonger() {
        DecodedArrays arrays = new DecodedArrays(1000);
        byte[] kept = arrays.bytes(100);
        assertThat(kept).hasSize(100);
        arrays.letGo(kept);
        assertThat(arrays.keptBytes()).isEqualTo(100);
        assertThat(arrays.bytes(101)).isNotSameAs(kept).hasSize(101);
        assertThat(arrays.bytes(88)).isNotSameAs(kept).hasSize(88);
        assertThat(arrays.bytes(89)).isSameAs(kept);
        assertThat(arrays.keptBytes()).isZero();
    }

    @Test
    void keepsNoMoreThanItsLimit() {
        DecodedArrays arrays = new DecodedArrays(1000);
        arrays.letGo(new byte[600]);
        arrays.letGo(new byte[600]);
        arrays.letGo(new byte[400]);
        assertThat(arrays.keptBytes()).isEqualTo(1000);

        DecodedArrays none = DecodedArrays.none();
        byte[] letGo = none.bytes(10);
        none.letGo(letGo);
        assertThat(none.keptBytes()).isZero();
        assertThat(none.bytes(10)).isNotSameAs(letGo);
        assertThatThrownBy(() -> new DecodedArrays(-1)).hasMessage("a limit of kept arrays must be >= 0, got -1");
    }

    /**
     * Each row group is decoded into the arrays of the one before, scribbled over after use, and reads as the same
     * row group decoded into new arrays: numbers whose chunks start dictionary-encoded and fall back to PLAIN,
     * dictionary strings with nulls, plain strings, nullable doubles.
     */
    @Test
    void rowGroupsDecodedIntoKeptArraysReadAsRowGroupsDecodedIntoNewOnes() throws IOException {
        Path file = write(dir.resolve("in.parquet"));
        ColumnMapping identity = ColumnMapping.between(SCHEMA, SCHEMA).orElseThrow();
        DecodedArrays arrays = new DecodedArrays(64L << 20);
        int reusedGroups = 0;
        int fallenBack = 0;
        try (SourceRowGroups reusing = SourceRowGroups.open(new LocalInputFile(file), null, identity);
             SourceRowGroups fresh = SourceRowGroups.open(new LocalInputFile(file), null, identity)) {
            DecodedRowGroup previous = null;
            while (reusing.hasNext()) {
                if (previous != null) {
                    scribbleOver(previous);
                    arrays.letGo(previous);
                }
                long keptBefore = arrays.keptBytes();
                DecodedRowGroup reused = reusing.decodeNextIntoArrays(arrays);
                DecodedRowGroup expected = fresh.decodeNextIntoArrays(DecodedArrays.none());
                reusedGroups += arrays.keptBytes() < keptBefore ? 1 : 0;
                int[] seqIds = expected.columns[0].ids;
                fallenBack += seqIds != null && seqIds[0] >= 0 && seqIds[expected.rows - 1] < 0 ? 1 : 0;
                assertSameRows(expected, reused);
                previous = reused;
            }
        }
        assertThat(reusedGroups).isGreaterThan(3);
        assertThat(fallenBack).isGreaterThan(3);
    }

    private static void scribbleOver(DecodedRowGroup group) {
        for (DecodedColumn column : group.columns) {
            fill(column.longs, () -> Arrays.fill(column.longs, 0x5a5a5a5a5a5aL));
            fill(column.starts, () -> Arrays.fill(column.starts, 7));
            fill(column.lengths, () -> Arrays.fill(column.lengths, 3));
            fill(column.ids, () -> Arrays.fill(column.ids, 1));
            fill(column.data, () -> Arrays.fill(column.data, (byte) 'Z'));
        }
    }

    private static void fill(Object array, Runnable fill) {
        if (array != null) {
            fill.run();
        }
    }

    private static void assertSameRows(DecodedRowGroup expected, DecodedRowGroup actual) {
        assertThat(actual.rows).isEqualTo(expected.rows);
        for (int c = 0; c < expected.columns.length; c++) {
            DecodedColumn want = expected.columns[c];
            DecodedColumn got = actual.columns[c];
            Object owner = new Object();
            if (want.ids != null) {
                assertThat(got.outputIds(owner)).hasSameSizeAs(want.outputIds(owner));
            }
            for (int row = 0; row < expected.rows; row++) {
                String at = SCHEMA.getColumns().get(c) + " row " + row;
                assertThat(got.isNull(row)).as(at).isEqualTo(want.isNull(row));
                if (want.isNull(row)) {
                    continue;
                }
                if (want.longs != null) {
                    assertThat(got.longs[row]).as(at).isEqualTo(want.longs[row]);
                } else {
                    assertThat(got.binary(row)).as(at).isEqualTo(want.binary(row));
                }
                if (want.ids != null) {
                    assertThat(got.ids[row]).as(at).isEqualTo(want.ids[row]).isLessThan(got.outputIds(owner).length);
                }
            }
        }
    }

    /**
     * Small row groups of a number whose dictionary outgrows its page within each row group, dictionary strings
     * with nulls, plain strings, doubles.
     */
    private static Path write(Path file) throws IOException {
        SimpleGroupFactory rows = new SimpleGroupFactory(SCHEMA);
        Random random = new Random(3);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
                .withConf(new PlainParquetConfiguration()).withRowGroupSize(128L << 10)
                .withDictionaryPageSize(256).withPageRowCountLimit(100).withDictionaryEncoding("text", false).build()) {
            for (int i = 0; i < 30000; i++) {
                Group row = rows.newGroup().append("seq", (long) (i / 40));
                if (random.nextInt(5) != 0) {
                    row.append("code", "code-" + random.nextInt(12));
                }
                row.append("text", "t".repeat(random.nextInt(30)) + i);
                if (random.nextBoolean()) {
                    row.append("d", random.nextGaussian());
                }
                writer.write(row);
            }
        }
        return file;
    }
}
