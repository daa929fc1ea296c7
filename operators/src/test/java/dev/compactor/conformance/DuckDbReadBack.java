package dev.compactor.conformance;

import org.duckdb.DuckDBConnection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reads Parquet files as DuckDB sees them, for tests that compare a merge's output with its inputs. Every call has
 * its own connection to one in-memory database of the JVM, on one thread (the CPU is shared with other builds).
 * Opening a database costs some 40 ms, a connection to an open one well under 1 ms.
 */
public final class DuckDbReadBack {

    /** Holds nothing but settings: every query reads the files afresh. */
    private static final DuckDBConnection DATABASE = openDatabase();

    private DuckDbReadBack() {}

    /**
     * One "name TYPE" entry per column of the files read together, as {@code DESCRIBE} prints them.
     *
     * @throws IllegalStateException with DuckDB's message when DuckDB cannot read the files
     */
    public static List<String> columnTypes(Path... files) {
        return query("DESCRIBE SELECT * FROM " + readParquet(files),
                r -> r.getString("column_name") + " " + r.getString("column_type"));
    }

    /**
     * Every row of the files read together, in file order and then row order within a file, each row as one line
     * of DuckDB's struct text: {@code {'a': 1, 'b': \x00\x01, 'c': [nan, NULL], 'd': {k=v}}}. Blobs print as
     * {@code \xNN} escapes, NULL and NaN as such, so two row lists are equal exactly when the values are.
     *
     * @throws IllegalStateException with DuckDB's message when DuckDB cannot read the files
     */
    public static List<String> rows(Path... files) {
        // file_index and file_row_number are DuckDB's virtual columns: not part of the row struct t, and an
        // explicit order does not depend on how DuckDB schedules the scan
        return query("SELECT CAST(t AS VARCHAR) FROM " + readParquet(files) + " t ORDER BY file_index, file_row_number",
                r -> r.getString(1));
    }

    /**
     * Empty when DuckDB decodes every value of the file; DuckDB's message otherwise, without the query it quotes
     * after "LINE 1:".
     */
    public static Optional<String> readFailure(Path file) {
        try {
            // the row text needs every value of every column decoded; a count alone would skip the pages
            query("SELECT sum(length(CAST(t AS VARCHAR))) FROM " + readParquet(file) + " t", r -> r.getLong(1));
            return Optional.empty();
        } catch (IllegalStateException e) {
            String message = String.valueOf(e.getCause().getMessage());
            int query = message.indexOf("LINE 1:");
            return Optional.of((query < 0 ? message : message.substring(0, query)).trim());
        }
    }

    /**
     * The bytes the file's column chunks decompress to, as its footer states; empty when DuckDB cannot read the
     * footer. A file of a few kilobytes can hold gigabytes of values.
     */
    public static OptionalLong uncompressedBytes(Path file) {
        try {
            String sql = "SELECT sum(total_uncompressed_size) FROM parquet_metadata(" + quoted(file) + ")";
            return OptionalLong.of(query(sql, r -> r.getLong(1)).get(0));
        } catch (IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    private static String readParquet(Path... files) {
        if (files.length == 0) {
            throw new IllegalArgumentException("no files to read");
        }
        return Arrays.stream(files).map(DuckDbReadBack::quoted)
                .collect(Collectors.joining(", ", "read_parquet([", "])"));
    }

    private static String quoted(Path file) {
        return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private static DuckDBConnection openDatabase() {
        try {
            DuckDBConnection db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = db.createStatement()) {
                s.execute("SET threads = 1");
                // a file rewritten at the same path within the file clock's granularity must not read as before
                s.execute("SET enable_external_file_cache = false");
            }
            return db;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory DuckDB: " + e.getMessage(), e);
        }
    }

    private static <T> List<T> query(String sql, RowMapper<T> mapper) {
        try (Connection c = DATABASE.duplicate(); Statement s = c.createStatement()) {
            List<T> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery(sql)) {
                while (r.next()) {
                    out.add(mapper.map(r));
                }
            }
            return out;
        } catch (SQLException e) {
            // unchecked, so that callers in any test can use the read-backs in streams and assertions
            throw new IllegalStateException("DuckDB: " + e.getMessage(), e);
        }
    }
}
