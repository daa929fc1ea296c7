package dev.compactor.merge;

import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.write.HashingOutputFile;

import java.util.List;

/**
 * How one merge divides its memory ({@link MergeSettings#mergeMemoryBytes()}). Half goes to what is being
 * written (an output row group, the pages waiting for the page-write thread, and the chunks a part is hashed in),
 * half to what is being read or held (the sort buffer, the inputs' row groups of a sorted merge, or the open sort
 * runs).
 *
 * @param outputRowGroupBytes row-group size of the parts: the writer buffers one row group
 * @param pageQueueBytes      pages waiting for the page-write thread (uncompressed) at most; 0 without one
 * @param hashChunkBytes      size of each of the {@link HashingOutputFile#CHUNKS} chunks a part is gathered into
 *                            to be hashed on another thread
 * @param readBytes           estimated heap of the rows held for one in-memory sort, or of the row groups a
 *                            sorted merge holds open
 * @param runRowGroupBytes    row-group size of spilled runs; small so that many runs can be open at once
 * @param fanIn               how many runs one external-sort merge pass reads at once
 */
public record MergeBudget(long outputRowGroupBytes, long pageQueueBytes, int hashChunkBytes, long readBytes,
                   long runRowGroupBytes, int fanIn) {

    private static final long MIN_RUN_ROW_GROUP = 64L << 10;
    private static final long MAX_RUN_ROW_GROUP = 4L << 20;
    /** An open run reader holds a row group's column chunks plus the pages decoded from them. */
    private static final int RUN_READER_OVERHEAD = 3;
    /** Boxed values, object headers and references: a row on the heap is several times its Parquet size. */
    private static final int HEAP_PER_PARQUET_BYTE = 3;
    private static final int HEAP_PER_ROW = 64;
    /**
     * The reference engine holds a row as parquet-java's {@code SimpleGroup}: each field an {@code ArrayList} of
     * its own (24 bytes, and 56 for its array once a value is added), the value boxed (16), a string's
     * {@code Binary} over a {@code ByteBuffer} (80 more). At 24 a field, rows of seven nullable columns weighed
     * 863-930 bytes against an estimate of about 390, and sorting a 10 GB window in a 256 MB heap ran out of
     * memory (RowHeapEstimateTest).
     */
    private static final int HEAP_PER_FIELD = 120;
    /**
     * Room for the pages of all columns that fill at about the same row to wait together, so that a burst of them
     * does not make the merge thread compress them itself while the page-write thread has time to spare.
     */
    private static final long MAX_PAGE_QUEUE = 16L << 20;
    private static final int PAGE_QUEUE_SHARE = 16;
    /** A megabyte with the default merge memory: handing a chunk over then costs nothing next to hashing it. */
    private static final int HASH_CHUNK_SHARE = 256;
    private static final int MIN_HASH_CHUNK = 64 << 10;
    private static final int MAX_HASH_CHUNK = 1 << 20;

    static MergeBudget of(MergeSettings settings) {
        long half = settings.mergeMemoryBytes() / 2;
        long runRowGroup = Math.max(MIN_RUN_ROW_GROUP, Math.min(MAX_RUN_ROW_GROUP, settings.mergeMemoryBytes() / 256));
        int fanIn = (int) Math.max(2, Math.min(Integer.MAX_VALUE, half / (RUN_READER_OVERHEAD * runRowGroup)));
        long pageQueue = settings.threads() > 1
                ? Math.min(MAX_PAGE_QUEUE, settings.mergeMemoryBytes() / PAGE_QUEUE_SHARE) : 0;
        int hashChunk = (int) Math.max(MIN_HASH_CHUNK,
                Math.min(MAX_HASH_CHUNK, settings.mergeMemoryBytes() / HASH_CHUNK_SHARE));
        long outputRowGroup = half - pageQueue - (long) HashingOutputFile.CHUNKS * hashChunk;
        return new MergeBudget(Math.min(outputRowGroup, settings.rowGroupSizeBytes()), pageQueue, hashChunk, half,
                runRowGroup, fanIn);
    }

    /**
     * Heap bytes of one row, estimated from the footers: the widest input's uncompressed bytes per row, scaled
     * for Java object overhead. Overestimating only costs extra runs; underestimating costs memory.
     */
    public static long rowHeapBytes(List<InputFooter> inputs, int fieldCount) {
        long widest = 0;
        for (InputFooter in : inputs) {
            if (in.rowCount() > 0) {
                widest = Math.max(widest, (in.uncompressedBytes() + in.rowCount() - 1) / in.rowCount());
            }
        }
        return widest * HEAP_PER_PARQUET_BYTE + HEAP_PER_ROW + (long) HEAP_PER_FIELD * fieldCount;
    }
}
