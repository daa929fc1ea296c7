package dev.compactor.merge.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Finding where two readings differ, and naming the difference so that cases group by its kind rather than by
 * generated names or ids.
 */
final class Differences {

    private Differences() {}

    /** Blanks the generated column names (and lists of them), field ids and sizes that vary from case to case. */
    static String blank(String s) {
        return s.replaceAll("\\b[cf]\\d+", "_")
                .replaceAll("_(, _)+", "_, ...")
                .replaceAll(" = \\d+", " = #")
                .replaceAll("DECIMAL\\(\\d+,\\s*\\d+\\)", "DECIMAL(p,s)")
                .replaceAll("fixed_len_byte_array\\(\\d+\\)", "fixed_len_byte_array(n)");
    }

    /**
     * A message with every field spelled as parquet-java prints one ("required int32 c3 (DATE) = 7") reduced to
     * "<field>": the same refusal for another column type is the same difference.
     */
    static String blankFields(String message) {
        return blank(message).replaceAll("(required|optional|repeated) \\w+(\\(n\\))? \\w+( \\(.*?\\)+)?( = #)?", "<field>");
    }

    /** The index of the first element that differs, the shorter size when one list extends the other, or -1. */
    static int firstDifference(List<?> a, List<?> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return a.size() == b.size() ? -1 : n;
    }

    /** The element at {@code i}, or "(none)" past either end. */
    static String at(List<?> list, int i) {
        return i >= 0 && i < list.size() ? Objects.toString(list.get(i)) : "(none)";
    }

    /**
     * Rows in a fixed order of their values, to compare as multisets the rows of a sorted merge. A null value
     * (DuckDB's SQL NULL) sorts apart from any text, the text "null" of a JSON column included.
     */
    static List<List<String>> sortedCopy(List<List<String>> rows) {
        List<List<String>> copy = new ArrayList<>(rows);
        copy.sort(Differences::compareRows);
        return copy;
    }

    private static int compareRows(List<String> a, List<String> b) {
        Comparator<String> values = Comparator.nullsFirst(Comparator.naturalOrder());
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = values.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
