package dev.compactor.status;

/** Windows per runbook state. */
public record QueueMetrics(int pendingWindows, int processingWindows, int dispatchedWindows) {}
