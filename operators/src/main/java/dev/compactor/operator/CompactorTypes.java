package dev.compactor.operator;

import dev.compactor.merge.CompactionTask;
import dev.compactor.merge.SourceFile;
import dev.compactor.merge.StagedWindow;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.Map;

/**
 * Type information of the records that carry lists. Declared field by field so they travel (and sit in the async
 * operator's checkpointed queue) with Flink's POJO serializer instead of Kryo, which keeps savepoints evolvable.
 */
@Internal
public final class CompactorTypes {

    public static final TypeInformation<CompactionTask> COMPACTION_TASK = Types.POJO(CompactionTask.class, Map.of(
            "namespace", Types.STRING,
            "windowStart", Types.LONG,
            "windowEnd", Types.LONG,
            "generation", Types.INT,
            "attempt", Types.INT,
            "files", Types.LIST(Types.POJO(SourceFile.class))));

    public static final TypeInformation<StagedWindow> STAGED_WINDOW = Types.POJO(StagedWindow.class, Map.of(
            "namespace", Types.STRING,
            "windowStart", Types.LONG,
            "windowEnd", Types.LONG,
            "generation", Types.INT,
            "attempt", Types.INT,
            "parts", Types.LIST(Types.POJO(StagedWindow.Part.class)),
            "inputs", Types.LIST(Types.POJO(StagedWindow.Input.class)),
            "quarantined", Types.LIST(Types.POJO(StagedWindow.Quarantined.class)),
            "missing", Types.LIST(Types.STRING)));

    private CompactorTypes() {}
}
