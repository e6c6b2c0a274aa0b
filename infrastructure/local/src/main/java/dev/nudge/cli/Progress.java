package dev.nudge.cli;

/**
 * Progress of an operation over many items: each result line is numbered "[3/40] ..." as it
 * completes, so a long publish shows where it is. Nothing for a single item.
 */
final class Progress {
  private final int total;
  private final long started = System.nanoTime();
  private int done;

  Progress(int total) {
    this.total = total;
  }

  /** The prefix of the next item's result line. */
  String next() {
    done++;
    return total > 1 ? "[" + done + "/" + total + "] " : "";
  }

  long elapsedMillis() {
    return (System.nanoTime() - started) / 1_000_000;
  }
}
