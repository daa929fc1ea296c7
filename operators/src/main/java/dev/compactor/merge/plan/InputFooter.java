package dev.compactor.merge.plan;

import dev.compactor.merge.InputProblem;
import dev.compactor.merge.read.ReadCodecs;
import dev.compactor.store.ObjectStore;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a source file's footer says, read before any row is: its schema, row groups and sizes. Reading it is
 * cheap and catches most corrupt files (bad magic, truncated, unparsable footer, chunks outside the file) before
 * the merge writes anything.
 *
 * @param parquetSchema     the file's Parquet schema as parquet-java understands it
 * @param schemaElements    the schema exactly as written in the footer: parquet-java cannot tell a legacy
 *                          converted type from a logical type, readers can, so outputs are written with these
 * @param keyValues         the footer's key-value metadata
 * @param uncompressedBytes sum of the row groups' uncompressed sizes, the basis of the row-size estimate
 */
public record InputFooter(String key, long size, MessageType parquetSchema, List<SchemaElement> schemaElements,
                   Map<String, String> keyValues, String createdBy, List<BlockMetaData> rowGroups, long rowCount,
                   long uncompressedBytes) {

    private static final int TAIL = 8;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);

    /** The codecs parquet-java can decompress with the libraries on the classpath (not LZO, not BROTLI). */
    private static final Set<CompressionCodecName> READABLE_CODECS = readableCodecs();

    public static InputFooter read(ObjectStore store, String key, long size) throws IOException {
        FileMetaData raw = readRaw(store.inputFile(key), size);
        ParquetMetadata meta;
        try {
            meta = new ParquetMetadataConverter().fromParquetMetadata(raw);
        } catch (IOException | RuntimeException e) {
            throw new InputProblem.BadInput("its schema cannot be understood ("
                    + InputProblem.describe(e) + ")", e);
        }
        long rows = 0;
        long uncompressed = 0;
        List<BlockMetaData> blocks = meta.getBlocks();
        for (int b = 0; b < blocks.size(); b++) {
            BlockMetaData block = blocks.get(b);
            checkInside(block, b, size);
            rows += block.getRowCount();
            uncompressed += block.getTotalByteSize();
        }
        return new InputFooter(key, size, meta.getFileMetaData().getSchema(), List.copyOf(raw.getSchema()),
                meta.getFileMetaData().getKeyValueMetaData(), meta.getFileMetaData().getCreatedBy(),
                List.copyOf(blocks), rows, uncompressed);
    }

    /** The footer as the file holds it, checked for what would otherwise fail later with a confusing message. */
    private static FileMetaData readRaw(InputFile file, long size) throws IOException {
        if (size < MAGIC.length + TAIL) {
            throw new InputProblem.BadInput("the file is too short to be Parquet (" + size + " bytes)");
        }
        try (SeekableInputStream in = file.newStream()) {
            byte[] tail = new byte[TAIL];
            in.seek(size - TAIL);
            in.readFully(tail);
            if (ByteBuffer.wrap(tail, 4, 4).equals(ByteBuffer.wrap(ENCRYPTED_MAGIC))) {
                throw new InputProblem.BadInput("the file's footer is encrypted, which the merge does not support");
            }
            if (!ByteBuffer.wrap(tail, 4, 4).equals(ByteBuffer.wrap(MAGIC))) {
                throw new InputProblem.BadInput("not a Parquet file: it does not end with the PAR1 marker");
            }
            int length = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (length <= 0 || length > size - TAIL - MAGIC.length) {
                throw new InputProblem.BadInput("its footer length (" + length + " bytes) does not fit in the file ("
                        + size + " bytes)");
            }
            byte[] footer = new byte[length];
            in.seek(size - TAIL - length);
            in.readFully(footer);
            FileMetaData raw;
            try {
                raw = Util.readFileMetaData(new ByteArrayInputStream(footer));
            } catch (IOException | RuntimeException e) {
                throw new InputProblem.BadInput("its footer cannot be parsed (" + InputProblem.describe(e) + ")", e);
            }
            if (raw.isSetEncryption_algorithm()) {
                throw new InputProblem.BadInput("columns of the file are encrypted, which the merge does not support");
            }
            if (!raw.isSetSchema() || raw.getSchema().isEmpty()) {
                throw new InputProblem.BadInput("its footer has no schema");
            }
            for (SchemaElement e : raw.getSchema()) {
                // a union member this parquet-format does not know is dropped when parsed: writing the column
                // back would drop its annotation, so the file is refused rather than silently converted
                if (e.isSetLogicalType() && e.getLogicalType().getSetField() == null) {
                    throw new InputProblem.BadInput("column '" + e.getName() + "' has a logical type this merge does "
                            + "not know (newer than its Parquet library, such as GEOMETRY or GEOGRAPHY); merging "
                            + "would drop the annotation");
                }
            }
            return raw;
        }
    }

    private static Set<CompressionCodecName> readableCodecs() {
        Set<CompressionCodecName> readable = EnumSet.noneOf(CompressionCodecName.class);
        ReadCodecs codecs = new ReadCodecs();
        for (CompressionCodecName codec : CompressionCodecName.values()) {
            try {
                codecs.getDecompressor(codec);
                readable.add(codec);
            } catch (RuntimeException e) {
                // the codec's Hadoop class is missing: files using it are refused by name
            }
        }
        codecs.release();
        return Set.copyOf(readable);
    }

    /** A column chunk must lie inside the file, or reading it would fail late or allocate what the file claims. */
    private static void checkInside(BlockMetaData block, int index, long size) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            long start = chunk.getStartingPos();
            long length = chunk.getTotalSize();
            if (chunk.isEncrypted()) {
                throw new InputProblem.BadInput("column " + chunk.getPath() + " is encrypted, which the merge does "
                        + "not support");
            }
            if (!READABLE_CODECS.contains(chunk.getCodec())) {
                throw new InputProblem.BadInput("column " + chunk.getPath() + " is compressed with " + chunk.getCodec()
                        + ", which the merge cannot decompress (parquet-java has no decoder for it here)");
            }
            if (start < 0 || length < 0 || start + length > size - TAIL) {
                throw new InputProblem.BadInput("row group " + index + " says column " + chunk.getPath()
                        + " lies at bytes " + start + " to " + (start + length) + ", outside the file's " + size
                        + " bytes");
            }
        }
    }
}
