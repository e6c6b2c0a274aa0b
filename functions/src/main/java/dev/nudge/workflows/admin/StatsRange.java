package dev.nudge.workflows.admin;

import dev.nudge.platform.ApiException;
import dev.nudge.stats.StepStats;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The statistics API's optional time range: {@code from} and {@code to}, UTC days
 * ({@code 2026-12-01}), both included, both required when either is given. Days, not instants,
 * because the statistics table keeps one counter per day.
 */
record StatsRange(LocalDate from, LocalDate to) {

  /** The range in the query parameters, or null when they name none. */
  static StatsRange of(Map<String, String> query) {
    String from = query == null ? null : query.get("from");
    String to = query == null ? null : query.get("to");
    if (from == null && to == null) {
      return null;
    }
    LocalDate start = day(from, "from");
    LocalDate end = day(to, "to");
    if (end.isBefore(start)) {
      throw ApiException.invalid("to", "to must not be before from");
    }
    if (ChronoUnit.DAYS.between(start, end) >= StepStats.MAX_RANGE_DAYS) {
      throw ApiException.invalid("from", "a range spans at most " + StepStats.MAX_RANGE_DAYS + " days");
    }
    return new StatsRange(start, end);
  }

  private static LocalDate day(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApiException.invalid(field, field + " is required with a range (a UTC day, 2026-12-01)");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(field, field + " must be a day like 2026-12-01");
    }
  }
}
