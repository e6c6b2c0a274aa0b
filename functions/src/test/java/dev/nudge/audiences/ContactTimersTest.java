package dev.nudge.audiences;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.journeys.JourneyStack;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Per-contact timers against DynamoDB Local: found when due, however late, and never twice. */
class ContactTimersTest {
  private final JourneyStack stack = new JourneyStack();
  private final ContactTimers timers = new ContactTimers(stack.ddb, stack.variables.get("TIMERS_TABLE"));
  private final Instant now = Instant.parse("2026-03-02T10:00:00Z");

  @Test
  void aTimerIsDueFromItsTimeOnAndNotBefore() {
    timers.arm("c1", "score-decay", now.plus(Duration.ofHours(3)));
    assertThat(timers.due(now.plus(Duration.ofHours(2)))).isEmpty();
    assertThat(timers.due(now.plus(Duration.ofHours(3)))).extracting(ContactTimers.Timer::contactId).containsExactly("c1");
  }

  @Test
  void aRunDaysLateStillFindsEveryTimerDueAcrossShards() {
    for (int i = 0; i < 25; i++) {
      timers.arm("contact-" + i, "score-decay", now.plus(Duration.ofMinutes(i)));
    }
    assertThat(timers.due(now.plus(Duration.ofDays(40)))).hasSize(25);
  }

  @Test
  void armingAgainReplacesTheTimer() {
    timers.arm("c1", "score-decay", now.plus(Duration.ofHours(1)));
    timers.arm("c1", "score-decay", now.plus(Duration.ofDays(5)));
    assertThat(timers.due(now.plus(Duration.ofDays(1)))).isEmpty();
    assertThat(timers.due(now.plus(Duration.ofDays(5)))).hasSize(1);
  }

  @Test
  void aFiredTimerIsGoneButOneArmedAgainMeanwhileStays() {
    timers.arm("c1", "score-decay", now);
    timers.arm("c2", "score-decay", now);
    var due = timers.due(now);
    assertThat(due).hasSize(2);
    timers.arm("c2", "score-decay", now.plus(Duration.ofDays(3)));
    due.forEach(timers::fired);
    assertThat(timers.due(now.plus(Duration.ofDays(1)))).isEmpty();
    assertThat(timers.due(now.plus(Duration.ofDays(3)))).extracting(ContactTimers.Timer::contactId).containsExactly("c2");
  }
}
