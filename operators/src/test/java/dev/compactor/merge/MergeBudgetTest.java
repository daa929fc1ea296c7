package dev.compactor.merge;

import dev.compactor.merge.write.HashingOutputFile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MergeBudgetTest {

    private static MergeSettings withMemory(long mergeMemoryBytes) {
        return new MergeSettings(1L << 30, null, mergeMemoryBytes, "ZSTD", "");
    }

    /** The output half holds a row group, the page queue and the chunks a part is hashed in, and no more. */
    @Test
    void theOutputHalfHoldsTheRowGroupThePageQueueAndTheHashChunks() {
        for (long memory : new long[] {MergeSettings.MIN_MERGE_MEMORY, 64L << 20, 256L << 20, 8L << 30}) {
            MergeBudget budget = MergeBudget.of(withMemory(memory));
            assertThat(budget.outputRowGroupBytes()).isPositive();
            assertThat(budget.outputRowGroupBytes() + budget.pageQueueBytes()
                    + (long) HashingOutputFile.CHUNKS * budget.hashChunkBytes()).isLessThanOrEqualTo(memory / 2);
            assertThat(budget.readBytes()).isEqualTo(memory / 2);
        }
    }

    @Test
    void hashChunksAreAMegabyteWithTheDefaultMemoryAndShrinkWithSmallerOnes() {
        assertThat(MergeBudget.of(withMemory(256L << 20)).hashChunkBytes()).isEqualTo(1 << 20);
        assertThat(MergeBudget.of(withMemory(8L << 30)).hashChunkBytes()).isEqualTo(1 << 20);
        assertThat(MergeBudget.of(withMemory(32L << 20)).hashChunkBytes()).isEqualTo(128 << 10);
        assertThat(MergeBudget.of(withMemory(MergeSettings.MIN_MERGE_MEMORY)).hashChunkBytes()).isEqualTo(64 << 10);
    }
}
