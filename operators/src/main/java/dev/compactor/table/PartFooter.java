package dev.compactor.table;

import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectStore;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One part of a staged window with its footer, read from where the part is now; a table's metrics come from it. */
record PartFooter(StagedWindow.Part part, String key, ParquetMetadata footer) {

    MessageType schema() {
        return footer.getFileMetaData().getSchema();
    }

    /**
     * The footers of the window's parts: under their final names once {@code published}, else from staging, or the
     * final name where an earlier run of the commit already moved the part.
     */
    static List<PartFooter> of(StagedWindow window, ObjectStore store, boolean published) throws IOException {
        List<PartFooter> footers = new ArrayList<>();
        for (StagedWindow.Part part : window.parts) {
            String key = published || store.head(part.stagingKey).isEmpty() ? part.finalKey : part.stagingKey;
            try (ParquetFileReader reader = ParquetFileReader.open(store.inputFile(key))) {
                footers.add(new PartFooter(part, key, reader.getFooter()));
            }
        }
        return footers;
    }
}
