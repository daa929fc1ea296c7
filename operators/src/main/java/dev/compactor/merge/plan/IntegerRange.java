package dev.compactor.merge.plan;

/** The least and greatest value of an integer column, both included, as the inputs' statistics state them. */
public record IntegerRange(long min, long max) {

    public IntegerRange {
        if (max < min) {
            throw new IllegalArgumentException("a range from " + min + " to " + max);
        }
    }
}
