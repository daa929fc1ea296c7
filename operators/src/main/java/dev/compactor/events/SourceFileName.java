package dev.compactor.events;

/**
 * The name a writer gives each flush: {@code {epochSeconds}-{writerId}-{seq}.parquet}. The writer id may not
 * contain '-', or the name could not be split back unambiguously.
 */
record SourceFileName(long epochSeconds, String writerId, long seq) {

    static final String SUFFIX = ".parquet";
    /** 2000-01-01T00:00:00Z: older flush times are a writer's clock or naming bug, not data to window. */
    static final long MIN_EPOCH_SECONDS = 946_684_800L;
    /** 9999-12-31T23:59:59Z, the last second the compacted-output partition names can express. */
    static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    static SourceFileName parse(String fileName) throws InvalidNameException {
        if (!fileName.endsWith(SUFFIX)) {
            throw new InvalidNameException("file name '" + Printable.excerpt(fileName) + "' does not end in " + SUFFIX);
        }
        String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
        String[] parts = stem.split("-", -1);
        if (parts.length != 3) {
            throw new InvalidNameException("file name '" + Printable.excerpt(fileName)
                    + "' does not match {epochSeconds}-{writerId}-{seq}.parquet: it has " + parts.length
                    + " '-'-separated parts, expected 3 (writer ids must not contain '-')");
        }
        long epochSeconds = KeyNameRules.parseUnsigned(parts[0], "epoch seconds", Long.MAX_VALUE);
        if (epochSeconds < MIN_EPOCH_SECONDS || epochSeconds > MAX_EPOCH_SECONDS) {
            throw new InvalidNameException("epoch seconds " + epochSeconds + " in '" + Printable.excerpt(fileName)
                    + "' is outside 2000-01-01..9999-12-31 (" + MIN_EPOCH_SECONDS + ".." + MAX_EPOCH_SECONDS + ")");
        }
        if (parts[1].isEmpty()) {
            throw new InvalidNameException("file name '" + Printable.excerpt(fileName) + "' has an empty writer id");
        }
        long seq = KeyNameRules.parseUnsigned(parts[2], "sequence number", Long.MAX_VALUE);
        return new SourceFileName(epochSeconds, parts[1], seq);
    }
}
