package dev.compactor.conformance;

import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-backs render values the way the conformance test relies on: bytes, NULL, NaN and nesting visible. */
class ReadBackTest {

    private static final Path DATA = Path.of("src/test/resources/parquet-testing/data");
    private static final Path BAD = Path.of("src/test/resources/parquet-testing/bad_data");

    @Test
    void duckDbRendersBlobsNullsNaNsAndNesting() {
        Path binary = DATA.resolve("binary.parquet");
        assertEquals(List.of("foo BLOB"), DuckDbReadBack.columnTypes(binary));
        List<String> twice = DuckDbReadBack.rows(binary, binary);
        assertEquals(24, twice.size());
        assertEquals("{'foo': \\x00}", twice.get(0));
        assertEquals(twice.subList(0, 12), twice.subList(12, 24), "files are read in the order given");

        assertEquals(List.of("{'x': NULL}", "{'x': 1.0}", "{'x': -2.0}", "{'x': nan}"),
                DuckDbReadBack.rows(DATA.resolve("float16_nonzeros_and_nans.parquet")).subList(0, 4));
        assertEquals("{'a': {a={1=true, 2=false}}, 'b': 1, 'c': 1.0}",
                DuckDbReadBack.rows(DATA.resolve("nested_maps.snappy.parquet")).get(0));
    }

    @Test
    void duckDbReadFailureIsEmptyForAGoodFileAndDuckDbsMessageForABadOne() {
        assertTrue(DuckDbReadBack.readFailure(DATA.resolve("alltypes_plain.parquet")).isEmpty());
        assertTrue(DuckDbReadBack.readFailure(BAD.resolve("PARQUET-1481.parquet")).orElseThrow().length() > 0);
    }

    @Test
    void duckDbTellsHowLargeAFileIsDecoded() {
        assertEquals(2_147_483_827L, DuckDbReadBack.uncompressedBytes(DATA.resolve("large_string_map.brotli.parquet"))
                .orElseThrow(), "two 1 GB strings in a 4 KB file");
        assertTrue(DuckDbReadBack.uncompressedBytes(BAD.resolve("PARQUET-1481.parquet")).isEmpty());
    }

    @Test
    void parquetJavaRendersBinaryAsHexAndRepeatedFieldsAsLists() {
        Path binary = DATA.resolve("binary.parquet");
        assertEquals("optional binary foo = 1", ParquetJavaReadBack.schema(binary).getFields().get(0).toString());
        assertEquals("{foo=0x00}", ParquetJavaReadBack.rows(binary).get(0));
        assertEquals("{a={list=[{element={list=[{element={list=[{element=0x61}, {element=0x62}]}}, "
                + "{element={list=[{element=0x63}]}}]}}, {element={list=[{element=null}, "
                + "{element={list=[{element=0x64}]}}]}}]}, b=1}",
                ParquetJavaReadBack.rows(DATA.resolve("nested_lists.snappy.parquet")).get(0));
        Path float16 = DATA.resolve("float16_nonzeros_and_nans.parquet");
        assertEquals(List.of("{x=null}", "{x=0x003c}"), ParquetJavaReadBack.rows(float16).subList(0, 2));
        assertEquals(Binary.fromConstantByteArray(new byte[] {0, 60}), ParquetJavaReadBack.values("x", float16).get(1));
    }
}
