package dev.compactor.merge.read;

import dev.compactor.merge.SourceFile;
import dev.compactor.merge.UnreadableInputException;
import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.store.InMemoryInputFile;
import dev.compactor.store.LocalObjectStore;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputPrefetchTest {

    @TempDir
    Path bucket;

    private LocalObjectStore store;

    @BeforeEach
    void setUp() {
        store = new LocalObjectStore(bucket);
    }

    @Test
    void smallInputsComeFromMemoryWithTheirBytesAndLargeOnesFromTheStore() throws IOException {
        List<InputFooter> inputs = new ArrayList<>();
        inputs.add(object("a", 1000));
        inputs.add(object("big", 5000));
        inputs.add(object("c", 1000));
        try (InputPrefetch prefetch = new InputPrefetch(store, bytesOf(inputs), 8000)) {
            for (int i = 0; i < inputs.size(); i++) {
                InputFile file = prefetch.open(i);
                assertEquals(i != 1, file instanceof InMemoryInputFile, inputs.get(i).key());
                assertArrayEquals(store.read(inputs.get(i).key()), readAll(file));
            }
        }
    }

    @Test
    void aFetchThatFailsFailsTheOpenOfThatInputWithTheStoresError() throws IOException {
        List<InputFooter> inputs = List.of(object("a", 100), object("gone", 100));
        Files.delete(store.pathOf(inputs.get(1).key()));
        try (InputPrefetch prefetch = new InputPrefetch(store, bytesOf(inputs), 1 << 20)) {
            assertArrayEquals(store.read(inputs.get(0).key()), readAll(prefetch.open(0)));
            assertThrows(NoSuchFileException.class, () -> prefetch.open(1));
        }
    }

    /** Decoded into pages for a merge that copies values, into arrays for one that writes batches. */
    @ParameterizedTest
    @EnumSource(value = InputPrefetch.FirstRowGroup.class, names = {"DECODED", "DECODED_INTO_ARRAYS"})
    void anInputReadByColumnsIsOpenedAheadWithItsFirstRowGroupDecodedAndItsFailureComesWithItsOpen(
            InputPrefetch.FirstRowGroup decoded) throws IOException {
        WindowFiles window = new WindowFiles(store);
        window.addEvents("w0", 300, 0, 1);
        String brokenKey = window.add("w1", WindowFiles.EVENT, window.addEventsRowsOnly("w1", 300), 1L << 20);
        List<InputFooter> footers = new ArrayList<>();
        for (SourceFile f : window.task(0).files) {
            footers.add(InputFooter.read(store, f.key, store.head(f.key).orElseThrow().size()));
        }
        // the first row group's first page header: decoding the row group is what finds it broken
        long start = footers.get(1).rowGroups().get(0).getStartingPos();
        byte[] bytes = store.read(brokenKey);
        Arrays.fill(bytes, (int) start, (int) start + 64, (byte) 0x7f);
        store.write(brokenKey, bytes);
        List<InputPrefetch.Input> inputs = footers.stream()
                .map(f -> new InputPrefetch.Input(f, ColumnMapping.identity(f.parquetSchema()), decoded)).toList();

        try (InputPrefetch prefetch = new InputPrefetch(store, inputs, 64L << 20)) {
            try (SourceRowGroups good = prefetch.openRowGroups(0)) {
                if (decoded == InputPrefetch.FirstRowGroup.DECODED) {
                    try (RowGroupRows rows = good.decodeNext()) {
                        assertEquals(300, rows.rowCount());
                    }
                } else {
                    DecodedRowGroup rows = good.decodeNextIntoArrays(DecodedArrays.none());
                    assertEquals(300, rows.rows);
                    // EVENT's ts column: 0, 1, 2, ...
                    assertEquals(299L, rows.columns[0].longs[299]);
                }
                assertFalse(good.hasNext());
            }
            // without decoding ahead the footer alone opens fine, and the failure would wait for decodeNext
            UnreadableInputException e = assertThrows(UnreadableInputException.class, () -> prefetch.openRowGroups(1));
            assertEquals(brokenKey, e.input().key());
        }
    }

    @Test
    void aRowGroupDecodedAheadGivesTheSamePagesAsParquetJavasReader() throws IOException {
        WindowFiles window = new WindowFiles(store);
        // nullable ts with nulls, a dictionary column (writer) and PLAIN ones; small row groups, several pages
        String key = window.add("w0", WindowFiles.NULLABLE_TS_EVENT,
                WindowFiles.nullableTsEvents("w0", 5000, new java.util.Random(7), 5, 1000), 1L << 20);
        InputFooter footer = InputFooter.read(store, key, store.head(key).orElseThrow().size());
        BlockMetaData block = footer.rowGroups().get(0);
        ColumnMapping mapping = ColumnMapping.identity(footer.parquetSchema());
        try (var direct = ParquetFiles.open(store.inputFile(key));
             var ahead = ParquetFiles.open(store.inputFile(key))) {
            var expected = direct.readNextRowGroup();
            var actual = DecompressedPages.of(ahead.readNextRowGroup(), block, mapping);
            assertEquals(expected.getRowCount(), actual.getRowCount());
            for (var column : footer.parquetSchema().getColumns()) {
                var want = expected.getPageReader(column);
                var got = actual.getPageReader(column);
                assertEquals(want.getTotalValueCount(), got.getTotalValueCount(), column.toString());
                var wantDictionary = want.readDictionaryPage();
                var gotDictionary = got.readDictionaryPage();
                assertEquals(wantDictionary == null, gotDictionary == null, column.toString());
                if (wantDictionary != null) {
                    assertArrayEquals(wantDictionary.getBytes().toByteArray(), gotDictionary.getBytes().toByteArray());
                    assertEquals(wantDictionary.getDictionarySize(), gotDictionary.getDictionarySize());
                }
                int pages = 0;
                for (var page = want.readPage(); page != null; page = want.readPage(), pages++) {
                    var w = (org.apache.parquet.column.page.DataPageV1) page;
                    var g = (org.apache.parquet.column.page.DataPageV1) got.readPage();
                    assertEquals(w.getValueCount(), g.getValueCount());
                    assertEquals(w.getValueEncoding(), g.getValueEncoding());
                    assertEquals(w.getDlEncoding(), g.getDlEncoding());
                    assertEquals(w.getStatistics(), g.getStatistics());
                    assertArrayEquals(w.getBytes().toByteArray(), g.getBytes().toByteArray(), column + " page " + pages);
                }
                assertTrue(pages > 0);
                assertEquals(null, got.readPage(), column + " has no page more than parquet-java reads");
            }
            actual.close();
        }
    }

    @Test
    void anInMemoryInputSeeksReadsBuffersAndRefusesToSeekPastItsEnd() throws IOException {
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        try (SeekableInputStream in = new InMemoryInputFile("x", bytes).newStream()) {
            in.seek(90);
            ByteBuffer buffer = ByteBuffer.allocate(10);
            in.readFully(buffer);
            assertEquals(90, buffer.get(0));
            assertEquals(100, in.getPos());
            assertEquals(-1, in.read());
            in.seek(5);
            assertEquals(5, in.read());
            assertThrows(EOFException.class, () -> in.seek(101));
            in.seek(95);
            assertThrows(EOFException.class, () -> in.readFully(new byte[10]));
        }
        assertFalse(new InMemoryInputFile("x", bytes).toString().isEmpty());
        assertInstanceOf(InputFile.class, new InMemoryInputFile("x", bytes));
    }

    /** Inputs read through Avro: only their bytes are fetched. */
    private static List<InputPrefetch.Input> bytesOf(List<InputFooter> inputs) {
        return inputs.stream().map(in -> new InputPrefetch.Input(in, null, InputPrefetch.FirstRowGroup.FETCHED)).toList();
    }

    private InputFooter object(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + name.hashCode());
        }
        String key = "data/ns/" + name + ".bin";
        Files.createDirectories(store.pathOf(key).getParent());
        Files.write(store.pathOf(key), bytes);
        return new InputFooter(key, size, null, null, java.util.Map.of(), null, List.of(), 0, 0);
    }

    private static byte[] readAll(InputFile file) throws IOException {
        byte[] out = new byte[(int) file.getLength()];
        try (SeekableInputStream in = file.newStream()) {
            in.readFully(out);
        }
        return out;
    }
}
