package dev.compactor.merge.fuzz;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * DuckDB's reading of Parquet files, all of them together as one table (columns unioned by name, rows in the
 * order of the files and then of their rows): the type DuckDB gives each column, and each row with every column
 * cast to DuckDB's own text.
 */
final class DuckDbReader implements AutoCloseable {

    /** DuckDB refused the files; {@link #reason} is its message with names and numbers blanked, to count by. */
    static final class Unreadable extends Exception {
        final String reason;

        Unreadable(SQLException e) {
            super(e.getMessage(), e);
            this.reason = reasonClass(e.getMessage());
        }
    }

    record Reading(List<String> types, List<List<String>> rows) {}

    private final Connection connection;

    DuckDbReader() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            // the machine is shared; one thread also keeps DuckDB's work per query small and steady
            s.execute("SET threads = 1");
        }
    }

    Reading read(List<Path> files) throws Unreadable {
        String list = files.stream().map(p -> "'" + p.toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        String scan = "read_parquet(" + list + ", union_by_name = true, filename = true, file_row_number = true)";
        try (Statement s = connection.createStatement()) {
            List<String> types = new ArrayList<>();
            try (ResultSet r = s.executeQuery("DESCRIBE SELECT * EXCLUDE (filename, file_row_number) FROM " + scan)) {
                while (r.next()) {
                    types.add(r.getString("column_name") + " " + r.getString("column_type"));
                }
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT COLUMNS(* EXCLUDE (filename, file_row_number))::VARCHAR FROM "
                    + scan + " ORDER BY list_position(" + list + ", filename), file_row_number")) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    List<String> row = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        row.add(r.getString(c));
                    }
                    rows.add(row);
                }
            }
            return new Reading(types, rows);
        } catch (SQLException e) {
            throw new Unreadable(e);
        }
    }

    /** "Invalid Input Error: ... 'c3' ... 1234 ... (21)" becomes "Invalid Input Error: ... '_' ... # ... (21)". */
    static String reasonClass(String message) {
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        String blanked = first.replaceAll("'[^']*'", "'_'").replaceAll("\"[^\"]*\"", "\"_\"")
                .replaceAll("/\\S+", "_").replaceAll("\\d{3,}", "#");
        return blanked.length() > 160 ? blanked.substring(0, 160) + "..." : blanked;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
