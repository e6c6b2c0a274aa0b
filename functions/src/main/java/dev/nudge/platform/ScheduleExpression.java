package dev.nudge.platform;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * An EventBridge schedule expression: {@code rate(5 minutes)} or
 * {@code cron(minutes hours day-of-month month day-of-week year)} in UTC. Hand-written because
 * cron libraries use Unix's five fields, not EventBridge's six with '?'.
 * Not supported (rejected when parsed): L, W and # in day fields.
 */
public abstract sealed class ScheduleExpression {
  public abstract Instant next(Instant after);

  /**
   * The occurrences in {@code (from, to]}, at most {@code limit}: for cron, its own times; for a
   * rate, multiples of the period since the epoch, so the same moments come out whatever
   * {@code from} is (a scheduled run is named by its occurrence).
   */
  public java.util.List<Instant> occurrences(Instant from, Instant to, int limit) {
    java.util.List<Instant> times = new java.util.ArrayList<>();
    Instant t = this instanceof Rate rate ? rate.aligned(from) : next(from);
    while (!t.isAfter(to) && times.size() < limit) {
      times.add(t);
      t = next(t);
    }
    return times;
  }

  public static ScheduleExpression parse(String expression) {
    String e = expression.trim();
    if (e.startsWith("rate(") && e.endsWith(")")) {
      String[] parts = e.substring(5, e.length() - 1).trim().split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException("rate() needs 'value unit': " + expression);
      }
      long value = Long.parseLong(parts[0]);
      Duration unit = switch (parts[1].toLowerCase(Locale.ROOT).replaceAll("s$", "")) {
        case "minute" -> Duration.ofMinutes(1);
        case "hour" -> Duration.ofHours(1);
        case "day" -> Duration.ofDays(1);
        default -> throw new IllegalArgumentException("rate() unit must be minute(s), hour(s) or day(s): " + expression);
      };
      if (value <= 0) {
        throw new IllegalArgumentException("rate() value must be positive: " + expression);
      }
      return new Rate(unit.multipliedBy(value));
    }
    if (e.startsWith("cron(") && e.endsWith(")")) {
      String[] fields = e.substring(5, e.length() - 1).trim().split("\\s+");
      if (fields.length != 6) {
        throw new IllegalArgumentException("cron() needs 6 fields: " + expression);
      }
      return new Cron(field(fields[0], 0, 59, Map.of()), field(fields[1], 0, 23, Map.of()),
          field(fields[2], 1, 31, Map.of()), field(fields[3], 1, 12, MONTHS), field(fields[4], 1, 7, DAYS),
          field(fields[5], 1970, 2199, Map.of()), fields[2].equals("?"), fields[4].equals("?"));
    }
    throw new IllegalArgumentException("schedule must be rate(...) or cron(...): " + expression);
  }

  private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
      Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
      Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
  // EventBridge: 1 = Sunday ... 7 = Saturday
  private static final Map<String, Integer> DAYS = Map.of("SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5,
      "FRI", 6, "SAT", 7);

  private static BitSet field(String text, int min, int max, Map<String, Integer> names) {
    BitSet set = new BitSet();
    if (text.equals("*") || text.equals("?")) {
      set.set(min, max + 1);
      return set;
    }
    for (String part : text.split(",")) {
      if (part.contains("L") && names.isEmpty() || part.contains("W") || part.contains("#")) {
        throw new IllegalArgumentException("cron field '" + text + "' uses L, W or #, which the local cloud does not support");
      }
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = Integer.parseInt(part.substring(slash + 1));
        part = part.substring(0, slash);
      }
      int from;
      int to;
      if (part.equals("*")) {
        from = min;
        to = max;
      } else if (part.contains("-")) {
        from = value(part.split("-")[0], names);
        to = value(part.split("-")[1], names);
      } else {
        from = value(part, names);
        to = slash >= 0 ? max : from;
      }
      if (from < min || to > max) {
        throw new IllegalArgumentException("cron field '" + text + "' is outside " + min + "-" + max);
      }
      for (int i = from; i <= to; i += step) {
        set.set(i);
      }
    }
    return set;
  }

  private static int value(String text, Map<String, Integer> names) {
    Integer named = names.get(text.toUpperCase(Locale.ROOT));
    return named != null ? named : Integer.parseInt(text);
  }

  static final class Rate extends ScheduleExpression {
    private final Duration period;

    Rate(Duration period) {
      this.period = period;
    }

    @Override
    public Instant next(Instant after) {
      return after.plus(period);
    }

    /** The first multiple of the period since the epoch strictly after {@code after}. */
    Instant aligned(Instant after) {
      long millis = period.toMillis();
      return Instant.ofEpochMilli(Math.floorDiv(after.toEpochMilli(), millis) * millis + millis);
    }
  }

  static final class Cron extends ScheduleExpression {
    private final BitSet minutes, hours, daysOfMonth, months, daysOfWeek, years;
    private final boolean anyDayOfMonth, anyDayOfWeek;

    Cron(BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek, BitSet years,
        boolean anyDayOfMonth, boolean anyDayOfWeek) {
      this.minutes = minutes;
      this.hours = hours;
      this.daysOfMonth = daysOfMonth;
      this.months = months;
      this.daysOfWeek = daysOfWeek;
      this.years = years;
      this.anyDayOfMonth = anyDayOfMonth;
      this.anyDayOfWeek = anyDayOfWeek;
    }

    @Override
    public Instant next(Instant after) {
      ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
      ZonedDateTime limit = t.plusYears(5);
      while (t.isBefore(limit)) {
        if (!years.get(t.getYear()) || !months.get(t.getMonthValue()) || !dayMatches(t)) {
          t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
          continue;
        }
        if (!hours.get(t.getHour())) {
          t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
          continue;
        }
        if (minutes.get(t.getMinute())) {
          return t.toInstant();
        }
        t = t.plusMinutes(1);
      }
      return Instant.MAX;
    }

    private boolean dayMatches(ZonedDateTime t) {
      int dow = t.getDayOfWeek().getValue() % 7 + 1; // Monday=1..Sunday=7 → Sunday=1..Saturday=7
      boolean dom = daysOfMonth.get(t.getDayOfMonth());
      boolean week = daysOfWeek.get(dow);
      if (anyDayOfMonth) {
        return week;
      }
      if (anyDayOfWeek) {
        return dom;
      }
      return dom && week;
    }
  }
}
