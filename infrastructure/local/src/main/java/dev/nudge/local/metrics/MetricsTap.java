package dev.nudge.local.metrics;

import dev.nudge.platform.Log;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The functions print their EMF lines through {@link Log} (one stream for the whole JVM, as on
 * Lambda). The tap keeps printing them and also hands each line to every running local cloud's
 * {@link LocalMetrics}: tests start several clouds in one JVM.
 */
public final class MetricsTap {
  private static final List<LocalMetrics> LISTENERS = new CopyOnWriteArrayList<>();
  private static PrintStream tap;

  private MetricsTap() {}

  /**
   * Installs the tap over the current log stream unless it is still there: whoever redirected the
   * log since (the scenario runner silences it for its run, then restores what it found) may have
   * taken it away, and a later cloud would then count no metrics.
   */
  public static synchronized void attach(LocalMetrics metrics) {
    if (tap == null || Log.current() != tap) {
      PrintStream through = Log.current();
      tap = new PrintStream(through, true) {
        @Override
        public void println(String line) {
          super.println(line);
          LISTENERS.forEach(l -> l.accept(line));
        }
      };
      Log.redirect(tap);
    }
    LISTENERS.add(metrics);
  }

  public static void detach(LocalMetrics metrics) {
    LISTENERS.remove(metrics);
  }
}
