package dev.compactor.merge.plan;

import dev.compactor.merge.reference.SourceRows;
import dev.compactor.merge.write.RowGroupFileWriter;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window's schema is the inputs' as written; only a missing column and required-vs-optional are merged. */
class WindowSchemaTest {

    @TempDir
    Path bucket;

    private static final MessageType UTC_MILLIS = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                    LogicalTypeAnnotation.TimeUnit.MILLIS)).named("ts")
            .named("schema");

    @Test
    void aLegacyConvertedTypeAndALogicalTypeAreDifferentColumnsAndTheFooterKeepsEachAsWritten() throws IOException {
        InputFooter modern = write("modern", UTC_MILLIS, Map.of(), null);
        // TIMESTAMP_MILLIS as an older writer (hyparquet-writer, parquet-mr 1.10) annotates it: converted type only
        InputFooter legacy = write("legacy", UTC_MILLIS, Map.of(), e -> e.unsetLogicalType());
        assertEquals(modern.parquetSchema(), legacy.parquetSchema(), "parquet-java cannot tell them apart");
        assertFalse(legacy.schemaElements().get(1).isSetLogicalType());

        WindowSchema legacyFirst = WindowSchema.of(List.of(legacy, modern));

        assertEquals(List.of(legacy), legacyFirst.accepted());
        String reason = legacyFirst.rejected().get(0).reason();
        assertTrue(reason.startsWith("column 'ts' is required int64 ts (TIMESTAMP(MILLIS,true)) here but"), reason);
        assertTrue(reason.contains("(legacy converted type TIMESTAMP_MILLIS only) in the window's schema"), reason);
        assertEquals(legacy.schemaElements(), legacyFirst.elements());
    }

    @Test
    void aColumnSomeInputLacksOrDeclaresOptionalBecomesOptionalAndKeepsItsAnnotationAndId() throws IOException {
        MessageType required = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MILLIS)).id(7).named("ts")
                .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.decimalType(2, 9)).named("price")
                .named("schema");
        MessageType optionalNoPrice = Types.buildMessage()
                .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MILLIS)).id(7).named("ts")
                .named("schema");

        WindowSchema window = WindowSchema.of(List.of(write("a", required, Map.of(), null),
                write("b", optionalNoPrice, Map.of(), null)));

        assertEquals(2, window.accepted().size());
        MessageType expected = Types.buildMessage()
                .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MILLIS)).id(7).named("ts")
                .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.decimalType(2, 9)).named("price")
                .named("schema");
        assertEquals(expected, window.schema());
        assertEquals(7, window.elements().get(1).getField_id());
        assertEquals(9, window.elements().get(2).getPrecision());
    }

    @Test
    void differentFieldIdsOrDecimalScalesConflict() throws IOException {
        MessageType id7 = Types.buildMessage().optional(PrimitiveTypeName.INT64).id(7).named("n").named("schema");
        MessageType id8 = Types.buildMessage().optional(PrimitiveTypeName.INT64).id(8).named("n").named("schema");
        MessageType scale2 = Types.buildMessage().optional(PrimitiveTypeName.INT32)
                .as(LogicalTypeAnnotation.decimalType(2, 9)).named("d").named("schema");
        MessageType scale3 = Types.buildMessage().optional(PrimitiveTypeName.INT32)
                .as(LogicalTypeAnnotation.decimalType(3, 9)).named("d").named("schema");

        assertEquals(1, WindowSchema.of(List.of(write("a", id7, Map.of(), null), write("b", id8, Map.of(), null)))
                .rejected().size());
        WindowSchema decimals = WindowSchema.of(List.of(write("c", scale2, Map.of(), null),
                write("d", scale3, Map.of(), null)));
        assertTrue(decimals.rejected().get(0).reason().contains("DECIMAL(9,3)"), decimals.rejected().get(0).reason());
    }

    @Test
    void keyValueMetadataIsKeptOnlyWhereEveryInputAgrees() throws IOException {
        InputFooter a = write("a", UTC_MILLIS, Map.of("ARROW:schema", "same", "pandas", "a"), null);
        InputFooter b = write("b", UTC_MILLIS, Map.of("ARROW:schema", "same", "pandas", "b", "extra", "x"), null);

        Map<String, String> kept = WindowSchema.of(List.of(a, b)).keyValues();
        assertEquals("same", kept.get("ARROW:schema"));
        assertFalse(kept.containsKey("pandas"));
        assertFalse(kept.containsKey("extra"));
    }

    /** A one-row file; {@code edit} changes its footer's first column element as another writer would write it. */
    private InputFooter write(String name, MessageType schema, Map<String, String> keyValues,
                              java.util.function.Consumer<SchemaElement> edit) throws IOException {
        LocalObjectStore store = new LocalObjectStore(bucket);
        String key = "data/ns/" + name + ".parquet";
        Files.createDirectories(store.pathOf(key).getParent());
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(store.outputFile(key)).withType(schema)
                .withExtraMetaData(keyValues).withConf(new PlainParquetConfiguration())
                .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE).build()) {
            Group row = new SimpleGroup(schema);
            for (Type field : schema.getFields()) {
                if (field.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT64) {
                    row.add(field.getName(), 1L);
                } else {
                    row.add(field.getName(), 1);
                }
            }
            w.write(row);
        }
        InputFooter footer = InputFooter.read(store, key, Files.size(store.pathOf(key)));
        if (edit == null) {
            return footer;
        }
        // rewrite the file with the edited elements through the merge's own footer rewriting
        List<SchemaElement> elements = new ArrayList<>(footer.schemaElements().stream().map(SchemaElement::deepCopy).toList());
        edit.accept(elements.get(1));
        String edited = "data/ns/" + name + "-edited.parquet";
        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
        try (RowGroupFileWriter out = new RowGroupFileWriter(store.outputFile(edited), schema, elements,
                codecs.getCompressor(CompressionCodecName.UNCOMPRESSED), 1 << 16, ColumnEncodings.plain(Set.of()),
                keyValues, null)) {
            try (SourceRows rows = SourceRows.open(store, footer, schema)) {
                for (Group row = rows.next(); row != null; row = rows.next()) {
                    out.write(row, rows.fields());
                }
            }
        }
        return InputFooter.read(store, edited, Files.size(store.pathOf(edited)));
    }
}
