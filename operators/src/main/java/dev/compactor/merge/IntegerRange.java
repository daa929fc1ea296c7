package dev.compactor.merge;

/** The least and greatest value of an integer column, both included, as the inputs' statistics state them. */
record IntegerRange(long min, long max) {

    IntegerRange {
        if (max < min) {
            throw new IllegalArgumentException("a range from " + min + " to " + max);
        }
    }
}
