package dev.nudge.journeys;

import dev.nudge.workflows.Step;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The instant a computed wait ends, in the contact's timezone. */
public final class Timers {
  private Timers() {}

  /** The next {@code time} strictly after {@code now} on one of the days (any day when none). */
  public static Instant nextTimeOfDay(Instant now, Step.WaitUntilTime wait, ZoneId zone) {
    LocalDate today = now.atZone(zone).toLocalDate();
    for (int i = 0; i <= 8; i++) {
      LocalDate day = today.plusDays(i);
      if (!wait.days().isEmpty() && !wait.days().contains(day.getDayOfWeek())) {
        continue;
      }
      Instant candidate = ZonedDateTime.of(day, wait.time(), zone).toInstant();
      if (candidate.isAfter(now)) {
        return candidate;
      }
    }
    throw new IllegalStateException("unreachable: every weekday occurs within 8 days");
  }

  /**
   * The date in the attribute plus the offset, at the wait's time of day. A date that has passed
   * (or a missing or unreadable attribute) ends the wait at once: the journey goes on rather
   * than waiting for a date that will not come.
   */
  public static Instant untilDate(Instant now, Step.WaitUntilDate wait, Optional<String> attributeValue, ZoneId zone) {
    Optional<LocalDate> date = attributeValue.flatMap(Timers::date);
    if (date.isEmpty()) {
      return now;
    }
    Instant target = ZonedDateTime.of(date.get(), wait.time(), zone).plus(wait.offset()).toInstant();
    return target.isAfter(now) ? target : now;
  }

  /** {@code 2026-05-17}, or the date part of {@code 2026-05-17T10:00:00Z}. */
  static Optional<LocalDate> date(String text) {
    try {
      return Optional.of(LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
