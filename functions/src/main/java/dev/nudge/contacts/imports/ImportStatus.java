package dev.nudge.contacts.imports;

import java.time.Instant;

/**
 * An import as recorded: {@code status} is running, completed or rejected (the header could not be
 * imported); the counts cover the lines up to {@code line}, the last one checkpointed.
 * {@code rows = imported + unchanged + failed}.
 */
public record ImportStatus(String importId, String key, String status, String format, long rows, long imported,
    long unchanged, long failed, long line, Instant startedAt, Instant finishedAt, String report) {
  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";
  public static final String REJECTED = "rejected";

  public boolean done() {
    return !status.equals(RUNNING);
  }

  /** The counts of a stretch of lines, added to these. */
  ImportStatus plus(long newImported, long newUnchanged, long newFailed, long lastLine) {
    return new ImportStatus(importId, key, status, format, rows + newImported + newUnchanged + newFailed,
        imported + newImported, unchanged + newUnchanged, failed + newFailed, lastLine, startedAt, finishedAt, report);
  }
}
