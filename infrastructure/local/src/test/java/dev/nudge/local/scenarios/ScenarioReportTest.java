package dev.nudge.local.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.local.scenarios.ScenarioFile.ExpectedMessage;
import dev.nudge.local.scenarios.ScenarioRunner.ActualMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How received messages are lined up with the expected ones before they are compared. */
class ScenarioReportTest {
  private static final Instant START = Instant.parse("2026-01-05T09:00:00Z");
  private static final List<ExpectedMessage> REWARD_THEN_WELCOME = List.of(
      new ExpectedMessage("reward", null, "email", null, Duration.ofDays(20)),
      new ExpectedMessage("club-welcome", null, "email", null, Duration.ofDays(20)));

  private static ActualMessage sent(String step, Duration after) {
    return new ActualMessage(START.plus(after), step, null, "email", null, "w");
  }

  @Test
  void messagesOfOneMinuteMatchInEitherOrder() {
    List<ActualMessage> received = List.of(sent("club-welcome", Duration.ofDays(20).plusSeconds(1)),
        sent("reward", Duration.ofDays(20).plusSeconds(2)));

    assertThat(ScenarioReport.aligned(REWARD_THEN_WELCOME, received, START)).extracting(ActualMessage::step)
        .containsExactly("reward", "club-welcome");
  }

  @Test
  void messagesOfDifferentMinutesKeepTheOrderTheyWereSentIn() {
    List<ExpectedMessage> expected = List.of(new ExpectedMessage("reward", null, null, null, null),
        new ExpectedMessage("club-welcome", null, null, null, null));
    List<ActualMessage> received = List.of(sent("club-welcome", Duration.ofDays(20)),
        sent("reward", Duration.ofDays(20).plusMinutes(1)));

    assertThat(ScenarioReport.aligned(expected, received, START)).extracting(ActualMessage::step)
        .containsExactly("club-welcome", "reward");
  }
}
