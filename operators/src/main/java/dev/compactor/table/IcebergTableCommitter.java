package dev.compactor.table;

import dev.compactor.merge.StagedWindow;
import dev.compactor.store.ObjectStore;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Appends a window generation's parts to its namespace's Iceberg table, as data files with metrics from their
 * footers (no data is read), in one snapshot whose summary names the generation ({@link WindowSnapshots}).
 *
 * <p>One transaction per generation: the schema unioned with the parts' columns, the name mapping set on a new
 * table (files without field ids are read through it, as after Iceberg's add_files; Iceberg keeps it up to date as
 * the schema evolves), and the append. A commit that loses to another writer is retried by Iceberg
 * ({@code commit.retry.*} table properties); one that still fails is retried here from a fresh table, which first
 * looks for the generation in the table's history again, so a commit that did land is not appended twice.
 */
public final class IcebergTableCommitter implements TableCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergTableCommitter.class);
    /** Rounds of (refresh, look in history, append) before the commit is left to the sink's retry. */
    static final int COMMIT_ROUNDS = 3;

    private final Catalog catalog;
    private final ObjectStore store;
    private final IcebergTarget target;

    /** Owns {@code catalog} (closed with the committer); reads footers through {@code store}, which it does not own. */
    public IcebergTableCommitter(Catalog catalog, ObjectStore store, IcebergTarget target) {
        this.catalog = catalog;
        this.store = store;
        this.target = target;
    }

    @Override
    public void check(StagedWindow window) throws IOException {
        if (window.parts.isEmpty()) {
            return;
        }
        TableIdentifier id = target.tableOf(window.namespace);
        List<PartFooter> parts = PartFooter.of(window, store, false);
        Optional<Table> existing = load(id);
        if (existing.isPresent() && WindowSnapshots.committed(existing.get(), window).isPresent()) {
            return;
        }
        Schema schema;
        PartitionSpec spec;
        MetricsConfig metrics = MetricsConfig.getDefault();
        if (existing.isPresent()) {
            Table table = existing.get();
            for (PartFooter part : parts) {
                IcebergSchemas.requireCompatible(table.schema(), part.schema(), id.toString(), part.key());
            }
            schema = unioned(table.updateSchema(), parts, id).apply();
            spec = table.spec();
            // the commit computes the partitions from the same metrics, so it cannot refuse what passed here
            metrics = MetricsConfig.forTable(table);
        } else {
            // the table this commit would create, with the ids Iceberg would give it
            schema = TypeUtil.assignFreshIds(IcebergSchemas.of(parts.get(0).schema()),
                    new AtomicInteger()::incrementAndGet);
            for (PartFooter part : parts.subList(1, parts.size())) {
                IcebergSchemas.requireCompatible(schema, part.schema(), id.toString(), part.key());
            }
            spec = specFor(schema, id);
        }
        for (PartFooter part : parts) {
            dataFile(spec, schema, metrics, part, id);
        }
    }

    @Override
    public void commit(StagedWindow window) throws IOException {
        if (window.parts.isEmpty()) {
            return;
        }
        TableIdentifier id = target.tableOf(window.namespace);
        List<PartFooter> parts = PartFooter.of(window, store, true);
        for (int round = 1; ; round++) {
            try {
                Table table = loadOrCreate(id, parts.get(0));
                Optional<Snapshot> done = WindowSnapshots.committed(table, window);
                if (done.isPresent()) {
                    LOG.info("{}: {} g{} is already in table {} (snapshot {}); appending nothing", window.namespace,
                            window.windowStart, window.generation, id, done.get().snapshotId());
                    return;
                }
                long snapshot = append(table, window, parts, id);
                LOG.info("{}: appended {} g{} ({} files, {} rows) to table {} as snapshot {}", window.namespace,
                        window.windowStart, window.generation, parts.size(), window.totalRows(), id, snapshot);
                return;
            } catch (CommitFailedException e) {
                if (round == COMMIT_ROUNDS) {
                    throw new IOException("table " + id + " kept changing under the commit of " + window + " ("
                            + COMMIT_ROUNDS + " rounds, each after Iceberg's own retries); the commit will be "
                            + "retried", e);
                }
                LOG.warn("{}: commit to table {} lost to other writers, looking at the table again: {}",
                        window.namespace, id, e.getMessage());
            } catch (RuntimeException e) {
                // A catalog or file I/O error (CommitStateUnknownException: it may have landed); the retry of the
                // whole commit looks in the table's history first.
                throw new IOException("commit of " + window + " to table " + id + " failed: " + e, e);
            }
        }
    }

    /** The schema change, the name mapping of a new table and the append, as one table commit. */
    private long append(Table table, StagedWindow window, List<PartFooter> parts, TableIdentifier id)
            throws TableConflictException {
        for (PartFooter part : parts) {
            IcebergSchemas.requireCompatible(table.schema(), part.schema(), id.toString(), part.key());
        }
        Transaction transaction = table.newTransaction();
        if (!unioned(table.updateSchema(), parts, id).apply().sameSchema(table.schema())) {
            unioned(transaction.updateSchema(), parts, id).commit();
        }
        Table pending = transaction.table();
        if (!pending.properties().containsKey(TableProperties.DEFAULT_NAME_MAPPING)) {
            transaction.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING,
                    NameMappingParser.toJson(MappingUtil.create(pending.schema()))).commit();
        }
        AppendFiles append = transaction.newFastAppend();
        for (PartFooter part : parts) {
            append.appendFile(dataFile(pending.spec(), pending.schema(), MetricsConfig.forTable(pending), part, id));
        }
        WindowSnapshots.summary(window).forEach(append::set);
        append.commit();
        transaction.commitTransaction();
        return transaction.table().currentSnapshot().snapshotId();
    }

    /** {@code update} with every part's columns unioned in; a transaction's takes one uncommitted update at a time. */
    private static UpdateSchema unioned(UpdateSchema update, List<PartFooter> parts, TableIdentifier id)
            throws TableConflictException {
        for (PartFooter part : parts) {
            IcebergSchemas.unionWith(update, part.schema(), id.toString());
        }
        return update;
    }

    private DataFile dataFile(PartitionSpec spec, Schema schema, MetricsConfig metricsConfig, PartFooter part,
                              TableIdentifier id) throws TableConflictException {
        ParquetMetadata footer = withTableIds(part.footer(), MappingUtil.create(schema));
        Metrics metrics = ParquetUtil.footerMetrics(footer, Stream.empty(), metricsConfig);
        return DataFiles.builder(spec)
                .withPath(target.locationOf(part.part().finalKey))
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(part.part().sizeBytes)
                .withMetrics(metrics)
                .withSplitOffsets(ParquetUtil.getSplitOffsets(part.footer()))
                .withPartition(HourPartitions.of(spec, schema, metrics, part.key(), id.toString()))
                .build();
    }

    /**
     * The footer with the table's field ids put on its columns by the name mapping (unchanged when the file has ids
     * of its own). Iceberg 1.9's footerMetrics takes a name mapping but matches the statistics against the footer's
     * own schema, so a file without ids would get no metrics at all.
     */
    private static ParquetMetadata withTableIds(ParquetMetadata footer, NameMapping mapping) {
        FileMetaData file = footer.getFileMetaData();
        if (ParquetSchemaUtil.hasIds(file.getSchema())) {
            return footer;
        }
        MessageType withIds = ParquetSchemaUtil.applyNameMapping(file.getSchema(), mapping);
        return new ParquetMetadata(new FileMetaData(withIds, file.getKeyValueMetaData(), file.getCreatedBy()),
                footer.getBlocks());
    }

    private Table loadOrCreate(TableIdentifier id, PartFooter first) throws TableConflictException {
        Optional<Table> existing = load(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        Schema schema = IcebergSchemas.of(first.schema());
        try {
            Table created = catalog.createTable(id, schema, specFor(schema, id), null,
                    Map.of(TableProperties.FORMAT_VERSION, "2"));
            LOG.info("created table {} at {} with schema {}", id, created.location(), created.schema());
            return created;
        } catch (AlreadyExistsException e) {
            // another committer created it meanwhile: its table is as good as ours
            return catalog.loadTable(id);
        }
    }

    private Optional<Table> load(TableIdentifier id) {
        return catalog.tableExists(id) ? Optional.of(catalog.loadTable(id)) : Optional.empty();
    }

    /** Hour of the partition column when one is set, else unpartitioned; refuses a column that is no timestamp. */
    private PartitionSpec specFor(Schema schema, TableIdentifier id) throws TableConflictException {
        String column = target.partitionColumn();
        if (column == null) {
            return PartitionSpec.unpartitioned();
        }
        Types.NestedField field = schema.findField(column);
        if (field == null || field.type().typeId() != Type.TypeID.TIMESTAMP) {
            throw new TableConflictException("table " + id + " is to be partitioned by the hour of '" + column
                    + "', but the window's column is " + (field == null ? "absent" : field.type().toString())
                    + "; a timestamp column is needed");
        }
        return PartitionSpec.builderFor(schema).hour(column).build();
    }

    @Override
    public void close() throws IOException {
        if (catalog instanceof Closeable closeable) {
            closeable.close();
        }
    }
}
