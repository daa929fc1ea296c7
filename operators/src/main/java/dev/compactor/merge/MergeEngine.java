package dev.compactor.merge;

import dev.compactor.merge.plan.InputFooter;
import dev.compactor.merge.plan.WindowSchema;
import dev.compactor.merge.reference.ReferenceEngine;
import dev.compactor.merge.sort.SpillDirectory;
import dev.compactor.merge.write.PartWriter;

import java.io.IOException;
import java.util.List;

/**
 * Writes a window's accepted inputs into its parts, in file order or sorted by the settings' sort column. Either
 * engine writes the same rows, in the same order, with the same schema: {@link FastEngine} by copying and
 * re-encoding columns, {@link ReferenceEngine} through parquet-java's record API alone.
 *
 * <p>A failure that one input's content causes is thrown as {@link UnreadableInputException} naming it; anything
 * else (the store, the output) as it is.
 */
public interface MergeEngine {

    void write(List<InputFooter> inputs, WindowSchema window, PartWriter parts, SpillDirectory spill) throws IOException;
}
