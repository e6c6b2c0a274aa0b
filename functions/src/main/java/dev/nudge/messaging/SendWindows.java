package dev.nudge.messaging;

import dev.nudge.workflows.Workflow;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** When a message may go out under a workflow's send window, in the recipient's timezone. */
public final class SendWindows {
  private SendWindows() {}

  /** {@code now} when the window is open, else the instant it next opens. */
  public static Instant nextAllowed(Instant now, Workflow.SendWindow window, ZoneId zone) {
    if (window == null || isOpen(now, window, zone)) {
      return now;
    }
    LocalDate today = now.atZone(zone).toLocalDate();
    for (int i = 0; i <= 8; i++) {
      LocalDate day = today.plusDays(i);
      if (!window.days().contains(day.getDayOfWeek())) {
        continue;
      }
      // ZonedDateTime.of moves a time in a DST gap forward: the window opens at the first valid instant.
      Instant opening = ZonedDateTime.of(day, window.from(), zone).toInstant();
      if (opening.isAfter(now)) {
        return opening;
      }
    }
    throw new IllegalArgumentException("send window never opens: " + window);
  }

  public static boolean isOpen(Instant now, Workflow.SendWindow window, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    LocalTime time = local.toLocalTime();
    DayOfWeek day = local.getDayOfWeek();
    if (window.from().isBefore(window.to())) {
      return window.days().contains(day) && !time.isBefore(window.from()) && time.isBefore(window.to());
    }
    // Spans midnight: open from `from` on an allowed day until `to` the next morning.
    return (window.days().contains(day) && !time.isBefore(window.from()))
        || (window.days().contains(day.minus(1)) && time.isBefore(window.to()));
  }
}
