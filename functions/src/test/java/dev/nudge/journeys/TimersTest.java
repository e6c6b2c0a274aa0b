package dev.nudge.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.workflows.Step;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimersTest {
  private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

  @Test
  void waitsUntilTheNextTenOClockOnATuesdayInTheContactsTimezone() {
    Instant wednesday = Instant.parse("2026-11-25T12:00:00Z");
    Step.WaitUntilTime tuesdayTen = new Step.WaitUntilTime(LocalTime.of(10, 0), Set.of(DayOfWeek.TUESDAY));
    assertThat(Timers.nextTimeOfDay(wednesday, tuesdayTen, WARSAW)).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
  }

  @Test
  void aTimeOfDayAlreadyPassedTodayMeansTomorrow() {
    Instant afternoon = Instant.parse("2026-11-25T14:00:00Z");
    assertThat(Timers.nextTimeOfDay(afternoon, new Step.WaitUntilTime(LocalTime.of(9, 0), Set.of()), WARSAW))
        .isEqualTo(Instant.parse("2026-11-26T08:00:00Z"));
  }

  @Test
  void waitsUntilSevenDaysBeforeTheRenewalDate() {
    Step.WaitUntilDate week = new Step.WaitUntilDate("renewal_date", Duration.ofDays(-7), LocalTime.of(10, 0));
    assertThat(Timers.untilDate(Instant.parse("2026-11-01T00:00:00Z"), week, Optional.of("2026-12-15"), WARSAW))
        .isEqualTo(Instant.parse("2026-12-08T09:00:00Z"));
  }

  @Test
  void aPassedOrMissingDateEndsTheWaitAtOnce() {
    Instant now = Instant.parse("2026-11-01T00:00:00Z");
    Step.WaitUntilDate wait = new Step.WaitUntilDate("renewal_date", Duration.ZERO, LocalTime.of(10, 0));
    assertThat(Timers.untilDate(now, wait, Optional.of("2026-01-01"), WARSAW)).isEqualTo(now);
    assertThat(Timers.untilDate(now, wait, Optional.empty(), WARSAW)).isEqualTo(now);
    assertThat(Timers.untilDate(now, wait, Optional.of("soon"), WARSAW)).isEqualTo(now);
  }

  @Test
  void bucketsAreStableAndSpreadEvenly() {
    assertThat(Buckets.of("ab", "contact-1")).isEqualTo(Buckets.of("ab", "contact-1"));
    int[] counts = new int[2];
    for (int i = 0; i < 10_000; i++) {
      counts[Buckets.of("ab", "contact-" + i) < 50 ? 0 : 1]++;
    }
    assertThat(counts[0]).isBetween(4_700, 5_300);
    assertThat(Buckets.of("ab", "contact-1")).isBetween(0, 99);
  }
}
