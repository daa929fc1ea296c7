package dev.compactor.savepoints.verify;

/** One thing in the bucket that contradicts a manifest. */
public record Finding(Kind kind, String key, String detail) {

    public enum Kind {
        /** A manifest that cannot be parsed, or of an unknown format version. */
        UNREADABLE_MANIFEST,
        /** An output a manifest lists is not in the bucket. */
        OUTPUT_MISSING,
        /** An output whose row count differs from its manifest entry. */
        OUTPUT_ROWS,
        /** An output whose size or SHA-256 differs from its manifest entry. */
        OUTPUT_CHECKSUM,
        /** A source file still present although a manifest says its rows were compacted. */
        SOURCE_NOT_DELETED,
        /** A staging object of a window generation that is already committed, or one outside the staging layout. */
        ORPHAN_STAGING,
        /** An output of a rolled-back (un-compacted) generation still present: its rows are there twice. */
        OUTPUT_NOT_REMOVED,
        /** A source of a rolled-back generation neither back under its key nor retained: its rows are missing. */
        SOURCE_NOT_RESTORED,
        /** A retained copy of a rolled-back generation left under {@code _trash/}: its uncompact did not finish. */
        TRASH_NOT_CLEARED,
        /** An output a manifest lists is not a data file of its namespace's table: its rows are missing there. */
        TABLE_FILE_MISSING,
        /** A data file the table lists more than once: its rows read that many times. */
        TABLE_FILE_DUPLICATE
    }

    @Override
    public String toString() {
        return kind + " " + key + ": " + detail;
    }
}
