package dev.compactor.status;

/**
 * Where a window generation is in the state machine.
 *
 * @param startedAt ISO-8601 UTC time of the latest dispatch, null before the first
 */
public record ProcessingStatus(String state, String startedAt, int generation, int attempts, String lastError) {}
