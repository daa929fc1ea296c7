package dev.compactor.conformance;

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
import java.util.stream.Collectors;

/**
 * Reads Parquet files as DuckDB sees them, for tests that compare a merge's output with its inputs. Each call
 * opens its own in-memory DuckDB on one thread: no state is shared between calls, and the CPU is shared with
 * other builds.
 */
public final class DuckDbReadBack {

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

    /** Empty when DuckDB decodes every value of the file; DuckDB's message otherwise. */
    public static Optional<String> readFailure(Path file) {
        try {
            // the row text needs every value of every column decoded; a count alone would skip the pages
            query("SELECT sum(length(CAST(t AS VARCHAR))) FROM " + readParquet(file) + " t", r -> r.getLong(1));
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getCause().getMessage());
        }
    }

    private static String readParquet(Path... files) {
        if (files.length == 0) {
            throw new IllegalArgumentException("no files to read");
        }
        return Arrays.stream(files)
                .map(f -> "'" + f.toAbsolutePath().toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "read_parquet([", "])"));
    }

    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private static <T> List<T> query(String sql, RowMapper<T> mapper) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = 1");
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
