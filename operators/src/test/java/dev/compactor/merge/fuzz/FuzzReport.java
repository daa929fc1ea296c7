package dev.compactor.merge.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fuzz run found. Findings are grouped by signature (what differs, with column names and field ids
 * blanked), so a run with one bug that many seeds hit reads as one line with a count and the first seed, and
 * every group names a seed to replay.
 */
final class FuzzReport {

    /** One difference in one case. */
    record Finding(long seed, String signature, String detail) {}

    private static final int DETAILED_GROUPS = 10;

    private final long base;
    private final int cases;
    private final Map<String, List<Finding>> findings = new HashMap<>();
    private final Map<String, Integer> duckDbSkips = new TreeMap<>();
    private int sortedCases;
    private int duckDbRead;
    private int duckDbCompared;

    FuzzReport(long base, int cases) {
        this.base = base;
        this.cases = cases;
    }

    static String replayCommand(long seed) {
        return "mvn -B -ntp -pl operators test -Dtest=MergeFuzzTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dfuzz.seed=" + seed + " -Dfuzz.cases=1";
    }

    void add(Finding f) {
        findings.computeIfAbsent(f.signature(), s -> new ArrayList<>()).add(f);
    }

    void sorted() {
        sortedCases++;
    }

    /** DuckDB read a case's inputs. */
    void duckDbRead() {
        duckDbRead++;
    }

    /** DuckDB's reading of a merge's output was compared with its reading of the inputs. */
    void duckDbCompared() {
        duckDbCompared++;
    }

    void duckDbSkipped(String reason) {
        duckDbSkips.merge(reason, 1, Integer::sum);
    }

    boolean failed() {
        return !findings.isEmpty();
    }

    String summary(long millis) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("merge fuzz: %d cases from seed %d in %.1f s (%d also sorted); DuckDB read the inputs"
                        + " of %d cases, skipped %d, and compared %d merged outputs with them", cases, base,
                millis / 1000.0, sortedCases, duckDbRead, duckDbSkips.values().stream().mapToInt(Integer::intValue).sum(),
                duckDbCompared));
        duckDbSkips.forEach((reason, n) -> s.append("\n  DuckDB skipped ").append(n).append(": ").append(reason));
        long failing = findings.values().stream().flatMap(List::stream).mapToLong(Finding::seed).distinct().count();
        s.append(String.format("%n%d failing cases, %d kinds of difference", failing, findings.size()));
        for (Map.Entry<String, List<Finding>> e : byCount()) {
            s.append(String.format("%n  %5d x %s  (first seed %d)", e.getValue().size(), e.getKey(),
                    e.getValue().get(0).seed()));
        }
        return s.toString();
    }

    /** The most frequent kinds of difference first: they are what most cases run into. */
    private List<Map.Entry<String, List<Finding>>> byCount() {
        List<Map.Entry<String, List<Finding>>> kinds = new ArrayList<>(findings.entrySet());
        kinds.sort(Comparator.comparing((Map.Entry<String, List<Finding>> e) -> -e.getValue().size())
                .thenComparing(Map.Entry::getKey));
        return kinds;
    }

    /** The summary, then the first case of each kind in full with the command that replays it. */
    String failureMessage(long millis) {
        StringBuilder s = new StringBuilder(summary(millis));
        int shown = 0;
        for (Map.Entry<String, List<Finding>> e : byCount()) {
            if (shown++ == DETAILED_GROUPS) {
                s.append("\n\n(").append(findings.size() - DETAILED_GROUPS).append(" more kinds, see the summary)");
                break;
            }
            Finding first = e.getValue().get(0);
            s.append("\n\n=== ").append(e.getKey()).append("\nseed ").append(first.seed()).append(", replay: ")
                    .append(replayCommand(first.seed())).append('\n').append(first.detail());
        }
        return s.toString();
    }
}
