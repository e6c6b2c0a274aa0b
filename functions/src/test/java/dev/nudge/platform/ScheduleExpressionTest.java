package dev.nudge.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final Instant NOON = Instant.parse("2026-11-22T12:00:30Z"); // a Sunday

  @Test
  void rateAddsItsPeriod() {
    assertThat(ScheduleExpression.parse("rate(5 minutes)").next(NOON)).isEqualTo(NOON.plusSeconds(300));
    assertThat(ScheduleExpression.parse("rate(1 day)").next(NOON)).isEqualTo(NOON.plusSeconds(86_400));
  }

  @Test
  void cronFindsTheNextMatchingMinuteInUtc() {
    assertThat(ScheduleExpression.parse("cron(0 9 * * ? *)").next(NOON)).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
    assertThat(ScheduleExpression.parse("cron(*/15 * * * ? *)").next(NOON)).isEqualTo(Instant.parse("2026-11-22T12:15:00Z"));
  }

  @Test
  void cronHonoursDaysOfTheWeekWithSundayAsOne() {
    assertThat(ScheduleExpression.parse("cron(0 8 ? * MON-FRI *)").next(NOON)).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
    assertThat(ScheduleExpression.parse("cron(0 8 ? * 1 *)").next(NOON)).isEqualTo(Instant.parse("2026-11-29T08:00:00Z"));
  }

  @Test
  void rejectsMalformedExpressions() {
    assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 weeks)")).hasMessageContaining("unit");
    assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 9 * * *)")).hasMessageContaining("6 fields");
    assertThatThrownBy(() -> ScheduleExpression.parse("cron(0 9 L * ? *)")).hasMessageContaining("L, W or #");
    assertThatThrownBy(() -> ScheduleExpression.parse("every hour")).hasMessageContaining("rate(...) or cron(...)");
  }
}
