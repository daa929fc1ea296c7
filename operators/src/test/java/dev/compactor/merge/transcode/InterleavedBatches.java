package dev.compactor.merge.transcode;

import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.decode.DecodedRowGroup;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.read.SourceRowGroups;
import dev.compactor.merge.write.RowBatch;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Rows of decoded row groups in batches, picked as a sorted merge of interleaving inputs picks them. */
final class InterleavedBatches {

    /** Takes a batch; it is cleared once this returns. */
    interface BatchWrite {
        void write(RowBatch batch) throws IOException;
    }

    private InterleavedBatches() {}

    /** A file's row groups, decoded into arrays as the sorted merge decodes its inputs. */
    static List<DecodedRowGroup> decode(Path file, MessageType schema) throws IOException {
        List<DecodedRowGroup> out = new ArrayList<>();
        try (SourceRowGroups groups = SourceRowGroups.open(new LocalInputFile(file), null,
                ColumnMapping.between(schema, schema).orElseThrow())) {
            while (groups.hasNext()) {
                out.add(groups.decodeNextIntoArrays(DecodedArrays.none()));
            }
        }
        return out;
    }

    /** Every row of the row groups, each group's rows in order, in batches of 1 to 1,024 rows picked at random. */
    static void inRandomBatches(List<DecodedRowGroup> groups, long seed, BatchWrite write) throws IOException {
        RowBatch batch = new RowBatch(1024);
        Random pick = new Random(seed);
        int[] next = new int[groups.size()];
        int left = groups.stream().mapToInt(g -> g.rows).sum();
        while (left > 0) {
            for (int n = 1 + pick.nextInt(1024); n > 0 && left > 0; n--, left--) {
                int g = pick.nextInt(groups.size());
                while (next[g] == groups.get(g).rows) {
                    g = (g + 1) % groups.size();
                }
                batch.add(groups.get(g), next[g]++, g);
            }
            write.write(batch);
            batch.clear();
        }
    }
}
