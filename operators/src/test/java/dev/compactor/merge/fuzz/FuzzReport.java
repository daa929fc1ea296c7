package dev.compactor.merge.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What a fuzz run found. Findings are grouped by signature (what differs, with column names and field ids
 * blanked), so a run with one bug that many seeds hit reads as one line with a count and the first seed, and
 * every group names a seed to replay. Only the first case of each kind is kept in full: 100,000 cases must fit in
 * memory.
 */
final class FuzzReport {

    /** A kind of difference: the first case that showed it, in full, and how many findings it has. */
    private static final class Kind {
        final long firstSeed;
        final String firstDetail;
        int count = 1;

        Kind(long firstSeed, String firstDetail) {
            this.firstSeed = firstSeed;
            this.firstDetail = firstDetail;
        }
    }

    private static final int DETAILED_KINDS = 10;

    private final long base;
    private final int cases;
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Set<Long> failingSeeds = new HashSet<>();
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

    /** The detail is worked out only for the first case of a kind. */
    void add(long seed, String signature, Supplier<String> detail) {
        failingSeeds.add(seed);
        Kind kind = kinds.get(signature);
        if (kind == null) {
            kinds.put(signature, new Kind(seed, detail.get()));
        } else {
            kind.count++;
        }
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
        return !kinds.isEmpty();
    }

    String summary(long millis) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("merge fuzz: %d cases from seed %d in %.1f s (%d also sorted); DuckDB read the inputs"
                        + " of %d cases, skipped %d, and compared %d merged outputs with them", cases, base,
                millis / 1000.0, sortedCases, duckDbRead, duckDbSkips.values().stream().mapToInt(Integer::intValue).sum(),
                duckDbCompared));
        duckDbSkips.forEach((reason, n) -> s.append("\n  DuckDB skipped ").append(n).append(": ").append(reason));
        s.append(String.format("%n%d failing cases, %d kinds of difference", failingSeeds.size(), kinds.size()));
        for (Map.Entry<String, Kind> e : byCount()) {
            s.append(String.format("%n  %5d x %s  (first seed %d)", e.getValue().count, e.getKey(),
                    e.getValue().firstSeed));
        }
        return s.toString();
    }

    /** The summary, then the first case of the most frequent kinds in full with the command that replays it. */
    String failureMessage(long millis) {
        StringBuilder s = new StringBuilder(summary(millis));
        List<Map.Entry<String, Kind>> byCount = byCount();
        for (Map.Entry<String, Kind> e : byCount.subList(0, Math.min(DETAILED_KINDS, byCount.size()))) {
            Kind kind = e.getValue();
            s.append("\n\n=== ").append(e.getKey()).append("\nseed ").append(kind.firstSeed).append(", replay: ")
                    .append(replayCommand(kind.firstSeed)).append('\n').append(kind.firstDetail);
        }
        if (byCount.size() > DETAILED_KINDS) {
            s.append("\n\n(").append(byCount.size() - DETAILED_KINDS).append(" more kinds, each with a seed in the summary)");
        }
        return s.toString();
    }

    /** The most frequent kinds of difference first: they are what most cases run into. */
    private List<Map.Entry<String, Kind>> byCount() {
        List<Map.Entry<String, Kind>> sorted = new ArrayList<>(kinds.entrySet());
        sorted.sort(Comparator.comparing((Map.Entry<String, Kind> e) -> -e.getValue().count)
                .thenComparing(Map.Entry::getKey));
        return sorted;
    }
}
