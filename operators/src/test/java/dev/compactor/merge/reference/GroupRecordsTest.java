package dev.compactor.merge.reference;

import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class GroupRecordsTest {

    @TempDir
    Path dir;

    /**
     * A string read through parquet-java's records is a view into its page; a writer's statistics and dictionaries
     * keep what they are handed unless it is marked reused, and so kept whole pages alive until the file closed.
     */
    @Test
    void stringsReachTheWriterMarkedReusedSoWhatStatisticsKeepIsACopyNotThePage() throws Exception {
        Path file = dir.resolve("window.parquet");
        RowHeapEstimateTest.writeWindowFile(file);
        List<Binary> handedOver = new ArrayList<>();
        try (ParquetReader<Group> reader = GroupRecords.reader(LocalObjectStore.fileInput(file))) {
            for (int r = 0; r < 100; r++) {
                Group row = reader.read();
                MessageType schema = new MessageType("event", row.getType().getFields());
                int[] fields = IntStream.range(0, schema.getFieldCount()).toArray();
                GroupRecords.write(capturingBinaries(handedOver), schema, row, fields);
            }
        }

        assertThat(handedOver).hasSizeGreaterThan(100);
        for (Binary value : handedOver) {
            assertThat(value.copy()).as("what a statistic keeps of %s", value.toStringUsingUTF8()).isNotSameAs(value);
            assertThat(value.copy()).isEqualTo(value);
        }
    }

    private static RecordConsumer capturingBinaries(List<Binary> binaries) {
        return new RecordConsumer() {
            @Override public void startMessage() { }
            @Override public void endMessage() { }
            @Override public void startField(String field, int index) { }
            @Override public void endField(String field, int index) { }
            @Override public void startGroup() { }
            @Override public void endGroup() { }
            @Override public void addInteger(int value) { }
            @Override public void addLong(long value) { }
            @Override public void addBoolean(boolean value) { }
            @Override public void addBinary(Binary value) {
                binaries.add(value);
            }
            @Override public void addFloat(float value) { }
            @Override public void addDouble(double value) { }
        };
    }
}
