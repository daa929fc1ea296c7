package dev.compactor.commit;

import dev.compactor.merge.StagedWindow;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The writer half of the sink. The merge already wrote every byte to staging, so the writer only holds the
 * windows received since the last checkpoint and hands them to the committer at the barrier. It keeps no
 * state: windows after the last checkpoint are replayed by the upstream operators on recovery.
 */
final class StagedWindowWriter implements CommittingSinkWriter<StagedWindow, StagedWindow> {

    private List<StagedWindow> sinceLastCheckpoint = new ArrayList<>();

    @Override
    public void write(StagedWindow window, Context context) {
        sinceLastCheckpoint.add(window);
    }

    @Override
    public void flush(boolean endOfInput) {
        // Nothing is buffered outside sinceLastCheckpoint, which prepareCommit hands over.
    }

    @Override
    public Collection<StagedWindow> prepareCommit() {
        List<StagedWindow> committables = sinceLastCheckpoint;
        sinceLastCheckpoint = new ArrayList<>();
        return committables;
    }

    @Override
    public void close() {
        sinceLastCheckpoint.clear();
    }
}
