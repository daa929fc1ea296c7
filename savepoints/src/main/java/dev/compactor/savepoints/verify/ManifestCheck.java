package dev.compactor.savepoints.verify;

import dev.compactor.commit.Manifest;
import dev.compactor.commit.ManifestCodec;
import dev.compactor.layout.BucketLayout;
import dev.compactor.store.ObjectInfo;
import dev.compactor.store.ObjectStore;
import dev.compactor.table.TableFiles;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.SeekableInputStream;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Re-reads every manifest of a bucket and checks the bucket against it: each output exists with the manifest's row
 * count, size and SHA-256; no input it lists is still present; no staging object is left for a committed
 * generation. A manifest rolled back by an uncompact is checked the other way round: its outputs are gone, its
 * sources back under their keys (at the size it merged), its retained copies cleared. Meant for an idle bucket:
 * while the job runs, a commit between its manifest and its deletions is reported too, and so is an uncompact in
 * progress.
 *
 * <p>In table mode ({@code compaction.target-format iceberg}) it also checks each namespace's table: every output of
 * a committed manifest is a data file of the table's current snapshot, and no data file is listed twice.
 */
public final class ManifestCheck {

    /** {@code _staging/{ns}/{windowStart}-g{generation}-a{attempt}/{object}} */
    private static final Pattern STAGING_KEY = Pattern.compile(
            Pattern.quote(BucketLayout.STAGING_PREFIX) + "(.+)/(\\d+)-g(\\d+)-a\\d+/[^/]+");
    /** {@code _staging/{ns}/{windowStart}-overrides.json}: a retry's merge parameters, kept until the window commits. */
    private static final Pattern OVERRIDES_KEY = Pattern.compile(
            Pattern.quote(BucketLayout.STAGING_PREFIX) + ".+/\\d+-overrides\\.json");
    private static final int READ_CHUNK = 1 << 16;

    private final ObjectStore store;
    private final BucketLayout layout;
    private final TableFiles tables;

    public ManifestCheck(ObjectStore store, BucketLayout layout) {
        this(store, layout, null);
    }

    /** @param tables the data files of each namespace's table; null when windows are not committed into tables */
    public ManifestCheck(ObjectStore store, BucketLayout layout, TableFiles tables) {
        this.store = store;
        this.layout = layout;
        this.tables = tables;
    }

    /** What contradicts the manifests; {@code namespace} null checks every namespace. */
    public Report check(String namespace) throws IOException {
        List<Finding> findings = new ArrayList<>();
        Set<String> committedGenerations = new HashSet<>();
        Map<String, Map<String, Integer>> tableFiles = new HashMap<>();
        int manifests = 0;
        int outputs = 0;
        for (ObjectInfo object : store.list(BucketLayout.MANIFEST_PREFIX)) {
            Optional<Manifest> read = readManifest(object.key(), findings);
            if (read.isEmpty() || !matches(read.get().namespace(), namespace)) {
                continue;
            }
            Manifest manifest = read.get();
            manifests++;
            if (manifest.isRolledBack()) {
                checkRolledBack(object.key(), manifest, findings);
                continue;
            }
            committedGenerations.add(layout.stagingGenerationPrefix(manifest.namespace(), manifest.windowStart(),
                    manifest.generation()));
            for (Manifest.OutputEntry output : manifest.outputs()) {
                outputs++;
                checkOutput(object.key(), output, findings);
            }
            if (tables != null) {
                if (!tableFiles.containsKey(manifest.namespace())) {
                    tableFiles.put(manifest.namespace(), tables.of(manifest.namespace()));
                }
                checkInTable(object.key(), manifest, tableFiles.get(manifest.namespace()), findings);
            }
            for (Manifest.InputEntry input : manifest.inputs()) {
                if (store.head(input.key()).isPresent()) {
                    findings.add(new Finding(Finding.Kind.SOURCE_NOT_DELETED, input.key(),
                            "still present although " + object.key() + " lists it as compacted"));
                }
            }
        }
        checkStaging(namespace, committedGenerations, findings);
        tableFiles.forEach((ns, listed) -> listed.forEach((file, times) -> {
            if (times > 1) {
                findings.add(new Finding(Finding.Kind.TABLE_FILE_DUPLICATE, file, "listed " + times + " times by "
                        + "table " + tables.tableName(ns) + ": its rows read " + times + " times"));
            }
        }));
        return new Report(manifests, outputs, findings);
    }

    private void checkInTable(String manifestKey, Manifest manifest, Map<String, Integer> listed,
                              List<Finding> findings) {
        for (Manifest.OutputEntry output : manifest.outputs()) {
            if (!listed.containsKey(output.key())) {
                findings.add(new Finding(Finding.Kind.TABLE_FILE_MISSING, output.key(), "listed in " + manifestKey
                        + " but not a data file of table " + tables.tableName(manifest.namespace())));
            }
        }
    }

    private void checkRolledBack(String manifestKey, Manifest manifest, List<Finding> findings) throws IOException {
        String why = manifestKey + " was rolled back at " + manifest.rolledBackAt();
        for (Manifest.OutputEntry output : manifest.outputs()) {
            if (store.head(output.key()).isPresent()) {
                findings.add(new Finding(Finding.Kind.OUTPUT_NOT_REMOVED, output.key(), "still present although "
                        + why));
            }
        }
        for (Manifest.InputEntry input : manifest.inputs()) {
            Optional<ObjectInfo> source = store.head(input.key());
            if (source.isEmpty() || source.get().size() != input.size()) {
                findings.add(new Finding(Finding.Kind.SOURCE_NOT_RESTORED, input.key(), (source.isEmpty() ? "absent"
                        : source.get().size() + " bytes, not " + input.size()) + " although " + why));
            }
        }
        for (ObjectInfo left : store.list(BucketLayout.trashDir(manifest.namespace(), manifest.windowStart(),
                manifest.generation()))) {
            findings.add(new Finding(Finding.Kind.TRASH_NOT_CLEARED, left.key(), "still retained although " + why
                    + "; run uncompact again to finish it"));
        }
    }

    private static boolean matches(String manifestNamespace, String namespace) {
        return namespace == null || namespace.equals(manifestNamespace);
    }

    private Optional<Manifest> readManifest(String key, List<Finding> findings) throws IOException {
        try {
            return Optional.of(ManifestCodec.fromJson(store.read(key)));
        } catch (IOException e) {
            if (store.head(key).isEmpty()) {
                return Optional.empty(); // deleted since the listing
            }
            findings.add(new Finding(Finding.Kind.UNREADABLE_MANIFEST, key, e.getMessage()));
            return Optional.empty();
        }
    }

    private void checkOutput(String manifestKey, Manifest.OutputEntry expected, List<Finding> findings)
            throws IOException {
        Optional<ObjectInfo> actual = store.head(expected.key());
        if (actual.isEmpty()) {
            findings.add(new Finding(Finding.Kind.OUTPUT_MISSING, expected.key(), "listed in " + manifestKey));
            return;
        }
        long rows;
        try (ParquetFileReader reader = ParquetFileReader.open(store.inputFile(expected.key()))) {
            rows = reader.getRecordCount();
        } catch (IOException | RuntimeException e) {
            findings.add(new Finding(Finding.Kind.OUTPUT_ROWS, expected.key(), "not readable as Parquet ("
                    + e.getMessage() + "); " + manifestKey + " says " + expected.rows() + " rows"));
            rows = -1;
        }
        if (rows >= 0 && rows != expected.rows()) {
            findings.add(new Finding(Finding.Kind.OUTPUT_ROWS, expected.key(),
                    rows + " rows, " + manifestKey + " says " + expected.rows()));
        }
        String sha256 = sha256(expected.key());
        if (actual.get().size() != expected.size() || !sha256.equals(expected.sha256())) {
            findings.add(new Finding(Finding.Kind.OUTPUT_CHECKSUM, expected.key(),
                    actual.get().size() + " bytes with SHA-256 " + sha256 + ", " + manifestKey + " says "
                            + expected.size() + " bytes with SHA-256 " + expected.sha256()));
        }
    }

    private String sha256(String key) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] chunk = new byte[READ_CHUNK];
        try (SeekableInputStream in = store.inputFile(key).newStream()) {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                digest.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void checkStaging(String namespace, Set<String> committedGenerations, List<Finding> findings)
            throws IOException {
        for (ObjectInfo object : store.list(BucketLayout.STAGING_PREFIX)) {
            Matcher m = STAGING_KEY.matcher(object.key());
            if (OVERRIDES_KEY.matcher(object.key()).matches()) {
                continue;
            }
            if (!m.matches()) {
                if (namespace == null) {
                    findings.add(new Finding(Finding.Kind.ORPHAN_STAGING, object.key(),
                            "outside the staging layout " + BucketLayout.STAGING_PREFIX
                                    + "{ns}/{windowStart}-g{generation}-a{attempt}/"));
                }
                continue;
            }
            String generationPrefix = layout.stagingGenerationPrefix(m.group(1), Long.parseLong(m.group(2)),
                    Integer.parseInt(m.group(3)));
            if (matches(m.group(1), namespace) && committedGenerations.contains(generationPrefix)) {
                findings.add(new Finding(Finding.Kind.ORPHAN_STAGING, object.key(),
                        "its window generation is committed; the commit should have cleared it"));
            }
        }
    }

    /** The outcome of a check. */
    public record Report(int manifests, int outputs, List<Finding> findings) {
        public boolean clean() {
            return findings.isEmpty();
        }
    }
}
