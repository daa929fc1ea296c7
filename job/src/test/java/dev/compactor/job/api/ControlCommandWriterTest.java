package dev.compactor.job.api;

import dev.compactor.commit.Uncompactor;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.LocalObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlCommandWriterTest {

    @TempDir
    Path bucket;

    @Test
    void uncompactIsRefusedWhenGenerationsLandInATableAndNothingChanges() {
        ControlCommandWriter commands = new ControlCommandWriter(() -> new LocalObjectStore(bucket),
                Clock.systemUTC(), BucketLayout.defaults(), "iceberg");
        String manifest = BucketLayout.defaults().manifestKey("orders", 1_735_725_600_000L, 0);

        Uncompactor.RefusedException checked = assertThrows(Uncompactor.RefusedException.class,
                () -> commands.checkUncompact(manifest));
        assertTrue(checked.getMessage().contains("are data files of an iceberg table"), checked.getMessage());
        assertThrows(Uncompactor.RefusedException.class, () -> commands.uncompact(manifest));
        assertEquals(0, bucket.toFile().list().length, "nothing written");
    }
}
