package dev.compactor.table;

import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableAlreadyExistsException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.actions.Metadata;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.util.FileNames;
import io.delta.kernel.internal.util.SchemaUtils;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Appends a window generation's parts to its namespace's Delta table, as add actions with statistics from their
 * footers (no data is read), in one commit that carries a SetTransaction ({@code txn}) naming the generation: appId
 * {@code compactor:{namespace}:{windowStart}}, version the generation. Delta's txn is made for exactly this: a replay
 * finds the table's txn version for the window at or past its generation and appends nothing, and Kernel's conflict
 * check refuses a commit whose txn another writer's winning commit already carries.
 *
 * <p>A window that adds columns first commits the table's evolved schema (a metaData action of its own: Kernel 4.0
 * only sets schemas of new tables), then its append. A commit that loses to another writer is rebased and retried by
 * Kernel ({@link #KERNEL_RETRIES}); one Kernel refuses to rebase (the other writer changed the schema) is retried here
 * from a fresh snapshot, which looks for the generation's txn first.
 */
public final class DeltaTableCommitter implements TableCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(DeltaTableCommitter.class);
    /** Rounds of (fresh snapshot, look for the txn, evolve, append) before the commit is left to the sink's retry. */
    static final int COMMIT_ROUNDS = 3;
    /** Kernel's own rebase-and-retry of a commit that lost to another writer's append. */
    static final int KERNEL_RETRIES = 10;
    static final String ENGINE_INFO = "compactor";

    private final Engine engine;
    private final ObjectStore store;
    private final DeltaTarget target;

    public DeltaTableCommitter(Engine engine, ObjectStore store, DeltaTarget target) {
        this.engine = engine;
        this.store = store;
        this.target = target;
    }

    /** The SetTransaction application id of {@code window}'s generations. */
    static String appId(StagedWindow window) {
        return "compactor:" + window.namespace + ":" + window.windowStart;
    }

    @Override
    public void check(StagedWindow window) throws IOException {
        if (window.parts.isEmpty()) {
            return;
        }
        String name = tableName(window);
        List<PartFooter> parts = PartFooter.of(window, store, false);
        try {
            Optional<Snapshot> snapshot = latest(table(window));
            if (snapshot.isPresent() && committed(snapshot.get(), window).isPresent()) {
                return;
            }
            schema(snapshot, parts, name);
        } catch (RuntimeException e) {
            throw new IOException("cannot read Delta table " + name + ": " + e, e);
        }
    }

    @Override
    public void commit(StagedWindow window) throws IOException {
        if (window.parts.isEmpty()) {
            return;
        }
        String name = tableName(window);
        List<PartFooter> parts = PartFooter.of(window, store, true);
        for (int round = 1; ; round++) {
            try {
                Table table = table(window);
                Optional<Snapshot> snapshot = latest(table);
                if (snapshot.isPresent()) {
                    Optional<Long> done = committed(snapshot.get(), window);
                    if (done.isPresent()) {
                        LOG.info("{}: {} g{} is already in Delta table {} (txn {} version {}); appending nothing",
                                window.namespace, window.windowStart, window.generation, name, appId(window),
                                done.get());
                        return;
                    }
                }
                StructType schema = schema(snapshot, parts, name);
                if (snapshot.isPresent() && !schema.equals(snapshot.get().getSchema())) {
                    evolve((SnapshotImpl) snapshot.get(), schema, name);
                    snapshot = latest(table);
                }
                long version = append(table, snapshot.isPresent(), schema, window, parts);
                LOG.info("{}: appended {} g{} ({} files, {} rows) to Delta table {} as version {}", window.namespace,
                        window.windowStart, window.generation, parts.size(), window.totalRows(), name, version);
                return;
            } catch (ConcurrentTransactionException e) {
                LOG.info("{}: {} g{} is already in Delta table {} (another run committed txn {}); appending nothing",
                        window.namespace, window.windowStart, window.generation, name, appId(window));
                return;
            } catch (ConcurrentWriteException | TableAlreadyExistsException | FileAlreadyExistsException e) {
                if (round == COMMIT_ROUNDS) {
                    throw new IOException("Delta table " + name + " kept changing under the commit of " + window
                            + " (" + COMMIT_ROUNDS + " rounds, each after Kernel's own retries); the commit will be "
                            + "retried", e);
                }
                LOG.warn("{}: commit to Delta table {} lost to other writers, looking at the table again: {}",
                        window.namespace, name, e.toString());
            } catch (TableConflictException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // the retry of the whole commit looks for the generation's txn first
                throw new IOException("commit of " + window + " to Delta table " + name + " failed: " + e, e);
            }
        }
    }

    /** Creates the table or appends to it, in one commit carrying the generation's txn; its version. */
    private long append(Table table, boolean exists, StructType schema, StagedWindow window, List<PartFooter> parts)
            throws IOException {
        TransactionBuilder builder = table.createTransactionBuilder(engine, ENGINE_INFO,
                        exists ? Operation.WRITE : Operation.CREATE_TABLE)
                .withTransactionId(engine, appId(window), window.generation)
                .withMaxRetries(KERNEL_RETRIES);
        if (!exists) {
            builder = builder.withSchema(engine, schema);
        }
        Transaction txn = builder.build(engine);
        Row state = txn.getTransactionState(engine);
        DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
        StructType tableSchema = txn.getSchema(engine);
        List<DataFileStatus> files = new ArrayList<>();
        for (PartFooter part : parts) {
            long modified = store.head(part.part().finalKey).map(ObjectInfo::lastModifiedMillis)
                    .orElseThrow(() -> new IOException("published part " + part.part().finalKey + " is gone"));
            files.add(new DataFileStatus(target.locationOf(part.part().finalKey), part.part().sizeBytes, modified,
                    Optional.of(DeltaStats.of(part.footer(), tableSchema, context.getStatisticsColumns()))));
        }
        CloseableIterator<Row> actions = Transaction.generateAppendActions(engine, state,
                Utils.toCloseableIterator(files.iterator()), context);
        TransactionCommitResult result = txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            // checkpoints and checksums speed up readers; the commit stands without them
            try {
                hook.threadSafeInvoke(engine);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Delta table {}: {} after version {} failed: {}", table.getPath(engine), hook.getType(),
                        result.getVersion(), e.toString());
            }
        }
        return result.getVersion();
    }

    /**
     * Commits {@code schema} as the table's, as the next version: a metaData action with the table's id,
     * configuration and partitioning, written atomically (put-if-absent) the way Kernel writes its own commits.
     * Kernel 4.0 refuses schema changes of existing tables without column mapping, and appending into a table with
     * column mapping; adding nullable columns needs neither (Spark's mergeSchema commits the same action).
     */
    private void evolve(SnapshotImpl snapshot, StructType schema, String name) throws IOException {
        Metadata metadata = snapshot.getMetadata().withNewSchema(schema);
        long version = snapshot.getVersion() + 1;
        engine.getJsonHandler().writeJsonFileAtomically(FileNames.deltaFile(snapshot.getLogPath(), version),
                Utils.singletonCloseableIterator(SingleAction.createMetadataSingleAction(metadata.toRow())), false);
        LOG.info("Delta table {}: schema evolved to {} as version {}", name, schema, version);
    }

    /**
     * The table's schema with every part's columns, or the schema of a new table; refuses a type conflict and a
     * partitioned table (our parts carry no partition values).
     */
    private static StructType schema(Optional<Snapshot> snapshot, List<PartFooter> parts, String name)
            throws TableConflictException {
        StructType schema;
        if (snapshot.isPresent()) {
            if (!snapshot.get().getPartitionColumnNames().isEmpty()) {
                throw new TableConflictException("Delta table " + name + " is partitioned by "
                        + snapshot.get().getPartitionColumnNames() + "; the job appends to unpartitioned tables only");
            }
            schema = snapshot.get().getSchema();
        } else {
            schema = new StructType();
        }
        for (PartFooter part : parts) {
            schema = DeltaSchemas.merge(schema, DeltaSchemas.of(part.schema(), part.key()), name, part.key());
        }
        try {
            // what Kernel checks of a new table's schema (names Parquet and Delta can take, no duplicates ignoring
            // case, supported types), here for evolved schemas too, which Kernel does not see
            SchemaUtils.validateSchema(schema, false);
        } catch (IllegalArgumentException | KernelException e) {
            throw new TableConflictException("Delta table " + name + " cannot take the columns of "
                    + parts.get(0).key() + (parts.size() > 1 ? " and the other parts" : "") + ": " + e.getMessage());
        }
        return schema;
    }

    /** The txn version the table holds for {@code window}, if it is at or past the window's generation. */
    private Optional<Long> committed(Snapshot snapshot, StagedWindow window) {
        return ((SnapshotImpl) snapshot).getLatestTransactionVersion(engine, appId(window))
                .filter(version -> version >= window.generation);
    }

    private Optional<Snapshot> latest(Table table) {
        try {
            return Optional.of(table.getLatestSnapshot(engine));
        } catch (TableNotFoundException e) {
            return Optional.empty();
        }
    }

    private Table table(StagedWindow window) {
        return Table.forPath(engine, target.tableLocation(window.namespace));
    }

    private String tableName(StagedWindow window) {
        return target.tableLocation(window.namespace);
    }
}
