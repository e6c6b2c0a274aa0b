package dev.nudge.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Response times as distributions, kept as counters: each first open or click of a message (and
 * each conversion) adds one to the bucket its delay falls in ({@code opened-within-PT15M}), under
 * the same exactly-once marker as every counter, so a distribution costs one more counter write
 * per response and no list of samples. p50 and p90 are read back as the upper bound of the bucket
 * where the cumulative count crosses them (a bucket's width is the precision).
 */
public final class ResponseTimes {
  /** Upper bounds of the buckets; a delay past the last one falls in "longer". */
  static final List<Duration> BOUNDS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
      Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2),
      Duration.ofDays(4), Duration.ofDays(7), Duration.ofDays(14), Duration.ofDays(30));
  static final String LONGER = "longer";

  private ResponseTimes() {}

  /** The counter a delay of {@code what} (opened, clicked, converted) adds to: {@code opened-within-PT15M}. */
  public static String counter(String what, Duration delay) {
    for (Duration bound : BOUNDS) {
      if (delay.compareTo(bound) <= 0) {
        return what + "-within-" + bound;
      }
    }
    return what + "-within-" + LONGER;
  }

  /** {@code {samples, p50, p90, buckets}} for {@code what} from a step's counters; null without samples. */
  static ObjectNode distribution(String what, Map<String, StepStats.Counter> counters) {
    String prefix = what + "-within-";
    long[] counts = new long[BOUNDS.size() + 1];
    long total = 0;
    for (int i = 0; i <= BOUNDS.size(); i++) {
      String label = i < BOUNDS.size() ? BOUNDS.get(i).toString() : LONGER;
      StepStats.Counter c = counters.get(prefix + label);
      counts[i] = c == null ? 0 : c.count();
      total += counts[i];
    }
    if (total == 0) {
      return null;
    }
    ObjectNode out = Json.object().put("samples", total);
    out.put("p50", percentile(counts, total, 0.5));
    out.put("p90", percentile(counts, total, 0.9));
    ObjectNode buckets = out.putObject("buckets");
    for (int i = 0; i <= BOUNDS.size(); i++) {
      if (counts[i] > 0) {
        buckets.put(i < BOUNDS.size() ? "<=" + BOUNDS.get(i) : LONGER, counts[i]);
      }
    }
    return out;
  }

  /** The upper bound of the bucket where the cumulative count reaches {@code q} of the total. */
  static String percentile(long[] counts, long total, double q) {
    long needed = (long) Math.ceil(q * total);
    long cumulative = 0;
    for (int i = 0; i < counts.length; i++) {
      cumulative += counts[i];
      if (cumulative >= needed) {
        return i < BOUNDS.size() ? BOUNDS.get(i).toString() : LONGER;
      }
    }
    return LONGER;
  }

  /** Whether a counter is a bucket (hidden from the plain counters list). */
  static boolean isBucket(String counter) {
    return counter.contains("-within-");
  }
}
