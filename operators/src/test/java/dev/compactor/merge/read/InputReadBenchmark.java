package dev.compactor.merge.read;

import com.sun.management.ThreadMXBean;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.WindowFiles;
import dev.compactor.merge.decode.DecodedArrays;
import dev.compactor.merge.plan.ColumnMapping;
import dev.compactor.merge.plan.InputFooter;
import dev.compactor.store.InMemoryInputFile;
import dev.compactor.store.LocalObjectStore;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What reading a window's inputs costs one thread, apart from everything else a merge does: every file is read
 * whole into memory and its row groups decoded the way the merge's prefetch thread does it, into decompressed pages
 * (a merge in file order) or into arrays (a sorted merge). Prints each round's wall and CPU time and the bytes it
 * allocated. Run it on two builds to compare them; the machine's noise matters less here than in a whole merge.
 *
 * <p>Usage (from the repository root, after {@code mvn -pl operators test-compile}):
 * {@code java -cp operators/target/test-classes:operators/target/classes:CLASSPATH
 * dev.compactor.merge.read.InputReadBenchmark [files] [rounds]}: files of 5,000 rows (default 1,000), SNAPPY, written by
 * parquet-avro.
 */
public final class InputReadBenchmark {

    private InputReadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path dir = Files.createTempDirectory("input-read-bench-");
        LocalObjectStore store = new LocalObjectStore(dir);
        WindowFiles window = new WindowFiles(store);
        for (int f = 0; f < files; f++) {
            window.addEvents("w" + f % 20, 5000, f * 1000L, 1);
        }
        List<InputFooter> inputs = new ArrayList<>();
        for (SourceFile f : window.task(0).files) {
            inputs.add(InputFooter.read(store, f.key, f.size));
        }
        ThreadMXBean thread = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (boolean intoArrays : new boolean[] {false, true}) {
            for (int r = 0; r < rounds; r++) {
                long cpu = thread.getCurrentThreadCpuTime();
                long allocated = thread.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                long rows = readAll(store, inputs, intoArrays);
                System.out.printf("%s round %d: %.2f s wall, %.2f s CPU, %d MB allocated, %d rows%n",
                        intoArrays ? "into arrays" : "into pages ", r, (System.nanoTime() - start) / 1e9,
                        (thread.getCurrentThreadCpuTime() - cpu) / 1e9,
                        (thread.getCurrentThreadAllocatedBytes() - allocated) >> 20, rows);
            }
        }
    }

    private static long readAll(LocalObjectStore store, List<InputFooter> inputs, boolean intoArrays)
            throws IOException {
        long rows = 0;
        for (InputFooter in : inputs) {
            ColumnMapping mapping = ColumnMapping.between(in.parquetSchema(), in.parquetSchema()).orElseThrow();
            InMemoryInputFile file = new InMemoryInputFile(in.key(), store.read(in.key()));
            try (SourceRowGroups groups = SourceRowGroups.open(file, in, mapping)) {
                while (groups.hasNext()) {
                    groups.decodeAhead(intoArrays ? DecodedArrays.none() : null);
                    if (intoArrays) {
                        rows += groups.decodeNextIntoArrays(DecodedArrays.none()).rows;
                    } else {
                        try (RowGroupRows decoded = groups.decodeNext()) {
                            rows += decoded.rowCount();
                        }
                    }
                }
            }
        }
        return rows;
    }
}
