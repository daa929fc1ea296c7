package dev.compactor.table;

import dev.compactor.store.LocalObjectStore;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaSchemasTest {

    @TempDir
    Path dir;

    private static StructType of(String parquet) throws TableConflictException {
        return DeltaSchemas.of(MessageTypeParser.parseMessageType(parquet), "f.parquet");
    }

    private static DataType typeOf(StructType schema, String name) {
        return schema.get(name).getDataType();
    }

    @Test
    void parquetTypesBecomeDeltaTypesAndEveryColumnIsNullable() throws TableConflictException {
        StructType schema = of("""
                message m {
                  required int64 id;
                  required int32 tiny (INTEGER(8,true));
                  optional binary name (STRING);
                  optional int64 price (DECIMAL(10,2));
                  optional int32 day (DATE);
                  optional int64 at (TIMESTAMP(MILLIS,true));
                  optional int64 local (TIMESTAMP(MICROS,false));
                  optional group tags (LIST) { repeated group list { optional binary element (STRING); } }
                  optional group legacy (LIST) { repeated int32 array; }
                  optional group attrs (MAP) { repeated group key_value {
                    required binary key (STRING); optional int64 value; } }
                  optional group address { optional binary city (STRING); }
                }""");

        assertEquals(LongType.LONG, typeOf(schema, "id"));
        assertTrue(schema.fields().stream().allMatch(StructField::isNullable));
        assertEquals(ByteType.BYTE, typeOf(schema, "tiny"));
        assertEquals(StringType.STRING, typeOf(schema, "name"));
        assertEquals(new DecimalType(10, 2), typeOf(schema, "price"));
        assertEquals(DateType.DATE, typeOf(schema, "day"));
        assertEquals(TimestampType.TIMESTAMP, typeOf(schema, "at"));
        assertEquals(TimestampNTZType.TIMESTAMP_NTZ, typeOf(schema, "local"));
        assertEquals(new ArrayType(StringType.STRING, true), typeOf(schema, "tags"));
        assertEquals(new ArrayType(IntegerType.INTEGER, false), typeOf(schema, "legacy"));
        assertEquals(new MapType(StringType.STRING, LongType.LONG, true), typeOf(schema, "attrs"));
        assertEquals(new StructType().add("city", StringType.STRING, true), typeOf(schema, "address"));
    }

    @Test
    void aTypeWithoutADeltaTypeIsRefusedNamingTheColumn() {
        TableConflictException refused = assertThrows(TableConflictException.class,
                () -> of("message m { optional int32 t (TIME(MILLIS,true)); }"));
        assertTrue(refused.getMessage().startsWith("column 't' of f.parquet is optional int32 t (TIME"),
                refused.getMessage());
    }

    @Test
    void mergingAddsNewColumnsAlsoInStructsAndRefusesAnyTypeChangeNamingTheColumn() throws TableConflictException {
        StructType table = of("message m { required int64 id; optional group a { optional int32 b; } }");

        StructType merged = DeltaSchemas.merge(table,
                of("message m { optional group a { optional int32 b; optional binary c (STRING); } "
                        + "optional binary note (STRING); }"), "t", "f.parquet");

        assertEquals(List.of("id", "a", "note"), merged.fieldNames());
        assertEquals(List.of("b", "c"), ((StructType) typeOf(merged, "a")).fieldNames());
        assertEquals(table, DeltaSchemas.merge(table, of("message m { required int64 ID; }"), "t", "f.parquet"),
                "Delta matches names ignoring case");

        TableConflictException widening = assertThrows(TableConflictException.class, () -> DeltaSchemas.merge(
                table, of("message m { optional group a { optional int64 b; } }"), "t", "f.parquet"));
        assertEquals("column 'a.b' is integer in table t but long in f.parquet; a Delta table takes only the same "
                + "type (no widening)", widening.getMessage());
    }

    @Test
    void statsComeFromTheFooterAcrossRowGroupsWithTimestampsInMicroseconds() throws IOException {
        Schema schema = SchemaBuilder.record("R").fields().requiredLong("id")
                .name("at").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .optionalString("note").endRecord();
        LocalObjectStore store = new LocalObjectStore(dir);
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(store.outputFile("f.parquet"))
                .withSchema(schema).withRowGroupSize(1024L).withPageSize(256).build()) {
            for (long id = 0; id < 2000; id++) {
                GenericRecord row = new GenericData.Record(schema);
                row.put("id", id);
                row.put("at", 1_000_000L + id);
                row.put("note", id % 2 == 0 ? null : "n" + id);
                writer.write(row);
            }
        }
        ParquetMetadata footer;
        try (ParquetFileReader reader = ParquetFileReader.open(store.inputFile("f.parquet"))) {
            footer = reader.getFooter();
        }
        assertTrue(footer.getBlocks().size() > 1, "several row groups: " + footer.getBlocks().size());
        MessageType parquet = footer.getFileMetaData().getSchema();
        StructType table = DeltaSchemas.of(parquet, "f.parquet");
        List<Column> columns = List.of(new Column("id"), new Column("at"), new Column("note"));

        DataFileStatistics stats = DeltaStats.of(footer, table, columns);

        assertEquals(2000, stats.getNumRecords());
        assertEquals(0L, stats.getMinValues().get(new Column("id")).getValue());
        assertEquals(1999L, stats.getMaxValues().get(new Column("id")).getValue());
        assertEquals(1_000_000_000L, stats.getMinValues().get(new Column("at")).getValue(), "micros");
        assertEquals(1_001_999_000L, stats.getMaxValues().get(new Column("at")).getValue());
        assertEquals(1000L, stats.getNullCount().get(new Column("note")));
        assertEquals(0L, stats.getNullCount().get(new Column("id")));
        assertFalse(stats.serializeAsJson(table).isEmpty(), "Kernel takes them for the table's schema");
    }
}
