package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.workflows.Workflow;
import java.time.DayOfWeek;
import java.util.EnumSet;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SendWindowsTest {
  private static final ZoneId MADRID = ZoneId.of("Europe/Madrid");
  private static final Workflow.SendWindow DAYTIME = new Workflow.SendWindow(
      LocalTime.of(9, 0), LocalTime.of(20, 0), EnumSet.allOf(DayOfWeek.class), "contact");

  @Test
  void insideTheWindowASendGoesNow() {
    Instant noonInMadrid = Instant.parse("2026-11-23T11:00:00Z");
    assertThat(SendWindows.nextAllowed(noonInMadrid, DAYTIME, MADRID)).isEqualTo(noonInMadrid);
  }

  @Test
  void atNightASendWaitsForNineInTheContactsMorning() {
    Instant elevenPmInMadrid = Instant.parse("2026-11-23T22:00:00Z");
    assertThat(SendWindows.nextAllowed(elevenPmInMadrid, DAYTIME, MADRID)).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
  }

  @Test
  void theSameInstantIsNightInTokyoAndAfternoonInMadrid() {
    Instant at = Instant.parse("2026-11-23T14:00:00Z");
    assertThat(SendWindows.isOpen(at, DAYTIME, MADRID)).isTrue();
    assertThat(SendWindows.isOpen(at, DAYTIME, ZoneId.of("Asia/Tokyo"))).isFalse();
  }

  @Test
  void aWeekdayWindowDefersAFridayEveningSendToMonday() {
    Workflow.SendWindow weekdays = new Workflow.SendWindow(LocalTime.of(8, 0), LocalTime.of(18, 0),
        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), "contact");
    Instant fridayEvening = Instant.parse("2026-11-27T19:00:00Z"); // 20:00 in Madrid
    assertThat(SendWindows.nextAllowed(fridayEvening, weekdays, MADRID)).isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
  }

  @Test
  void aWindowSpanningMidnightIsOpenAfterMidnight() {
    Workflow.SendWindow evening = new Workflow.SendWindow(LocalTime.of(18, 0), LocalTime.of(2, 0),
        EnumSet.of(DayOfWeek.MONDAY), "contact");
    assertThat(SendWindows.isOpen(Instant.parse("2026-11-24T00:30:00Z"), evening, MADRID)).as("Tue 01:30 after Monday").isTrue();
    assertThat(SendWindows.isOpen(Instant.parse("2026-11-25T00:30:00Z"), evening, MADRID)).as("Wed 01:30").isFalse();
  }
}
