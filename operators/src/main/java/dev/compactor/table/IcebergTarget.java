package dev.compactor.table;

import dev.compactor.store.ObjectStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One Iceberg table per namespace, in a catalog built from Iceberg's own catalog properties ({@code type=hadoop}
 * with a {@code warehouse}, {@code type=rest} with a {@code uri}, {@code catalog-impl=...GlueCatalog}, ...).
 *
 * @param catalogName       the catalog's name, as Iceberg names it in logs and metrics
 * @param catalogProperties Iceberg catalog properties, passed through unchanged
 * @param database          the Iceberg namespace the tables live in (dots separate levels)
 * @param tableNamePattern  the table's name; {@value TableTarget#NAMESPACE_PLACEHOLDER} stands for our namespace, '/' as '_'
 * @param partitionColumn   a timestamp column whose hour partitions the table; null for an unpartitioned table
 * @param bucketLocation    the URI the bucket's keys are relative to (file:/dir/ or s3://bucket/prefix/), ending
 *                          in '/': data files are registered by their full location
 */
public record IcebergTarget(String catalogName, Map<String, String> catalogProperties, String database,
                            String tableNamePattern, String partitionColumn, String bucketLocation)
        implements TableTarget {
    private static final long serialVersionUID = 1L;


    public IcebergTarget {
        Objects.requireNonNull(catalogName, "catalogName");
        catalogProperties = Collections.unmodifiableMap(
                new TreeMap<>(Objects.requireNonNull(catalogProperties, "catalogProperties")));
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(tableNamePattern, "tableNamePattern");
        Objects.requireNonNull(bucketLocation, "bucketLocation");
        if (!bucketLocation.endsWith("/")) {
            throw new IllegalArgumentException("bucket location must end in '/': " + bucketLocation);
        }
        if (partitionColumn != null && partitionColumn.isBlank()) {
            partitionColumn = null;
        }
    }

    /** The table of {@code namespace}. */
    public TableIdentifier tableOf(String namespace) {
        String name = TableTarget.tableName(tableNamePattern, namespace);
        return database.isEmpty() ? TableIdentifier.of(name)
                : TableIdentifier.of(Namespace.of(database.split("\\.")), name);
    }

    /** Where a reader finds the object under {@code key}. */
    public String locationOf(String key) {
        return bucketLocation + key;
    }

    /** The catalog the properties describe; Hadoop's configuration only serves catalogs and FileIOs that use it. */
    public Catalog catalog() {
        return WithOwnClassLoader.run(
                () -> CatalogUtil.buildIcebergCatalog(catalogName, catalogProperties, new Configuration()));
    }

    @Override
    public TableCommitter open(ObjectStore store) throws IOException {
        return new IcebergTableCommitter(catalog(), store, this);
    }
}
