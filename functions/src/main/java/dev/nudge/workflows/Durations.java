package dev.nudge.workflows;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ISO 8601 durations as marketers write them: {@code PT1H}, {@code P2D}, {@code P1W}, {@code -P7D}.
 * {@link Duration#parse} has no weeks, and months or years have no fixed length, so they are refused.
 */
public final class Durations {
  private static final Pattern WEEKS = Pattern.compile("([-+]?)P(\\d+)W");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher weeks = WEEKS.matcher(text);
    if (weeks.matches()) {
      Duration d = Duration.ofDays(7L * Long.parseLong(weeks.group(2)));
      return Optional.of(weeks.group(1).equals("-") ? d.negated() : d);
    }
    try {
      return Optional.of(Duration.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The canonical text: whole days as {@code PnD}, anything else as {@link Duration#toString()}. */
  public static String format(Duration duration) {
    if (!duration.isZero() && duration.toSeconds() % 86_400 == 0 && duration.getNano() == 0) {
      long days = duration.toDays();
      return days < 0 ? "-P" + (-days) + "D" : "P" + days + "D";
    }
    return duration.toString();
  }
}
