package dev.nudge.journeys.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nudge.audiences.Segment;
import dev.nudge.audiences.SegmentStore;
import dev.nudge.journeys.JourneyStack;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Schedule triggers against DynamoDB Local: one broadcast run per occurrence, whatever the overlap. */
class ScheduledBroadcastsTest {
  private static final String WEEKLY = """
      id: weekly-digest
      name: Weekly digest
      trigger:
        schedule: cron(0 10 ? * MON *)
        segment: readers
      steps:
        - id: digest
          email: { template: cart-reminder }
      """;
  private final JourneyStack stack = new JourneyStack();
  private final BroadcastRuns runs = new BroadcastRuns(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"));
  private final ScheduledBroadcasts schedules = new ScheduledBroadcasts(stack.runtime.workflows(),
      new BroadcastAdmin(stack.runtime.store(), new SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE")), runs,
          stack.executions, "arn:aws:states:us-east-1:000000000000:stateMachine:broadcast", stack.clock),
      stack.clock, Duration.ofMinutes(60));

  private void readers() {
    String definition = "id: readers\nname: Readers\nwhen: { consent: email }\n";
    new SegmentStore(stack.ddb, stack.variables.get("WORKFLOWS_TABLE"))
        .save(Segment.parse(definition, "readers").segment(), definition, stack.clock.instant());
  }

  @Test
  void anOccurrenceInTheLookbackStartsOneRunNamedByIt() {
    readers();
    stack.publish(WEEKLY);
    stack.clock.set(Instant.parse("2026-12-07T10:04:00Z")); // a Monday, four minutes after ten
    assertThat(schedules.run()).extracting(ScheduledBroadcasts.Started::run).containsExactly("schedule-20261207T1000");
    stack.clock.advance(Duration.ofMinutes(5));
    assertThat(schedules.run()).allMatch(s -> !s.created());
    assertThat(stack.executions.started).extracting(s -> s.name()).containsExactly("weekly-digest-schedule-20261207T1000");
    assertThat(runs.find("weekly-digest", "schedule-20261207T1000")).isPresent();
  }

  @Test
  void noOccurrenceInTheLookbackStartsNothing() {
    readers();
    stack.publish(WEEKLY);
    stack.clock.set(Instant.parse("2026-12-08T10:04:00Z")); // a Tuesday
    assertThat(schedules.run()).isEmpty();
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void aMissingSegmentIsReportedAndStartsNothing() {
    stack.publish(WEEKLY);
    stack.clock.set(Instant.parse("2026-12-07T10:04:00Z"));
    assertThat(schedules.run()).isEmpty();
    assertThat(stack.executions.started).isEmpty();
  }

  @Test
  void aRateScheduleRunsAtMultiplesOfItsPeriodWhateverTheLookback() {
    dev.nudge.platform.ScheduleExpression every15 = dev.nudge.platform.ScheduleExpression.parse("rate(15 minutes)");
    assertThat(every15.occurrences(Instant.parse("2026-12-07T10:04:00Z"), Instant.parse("2026-12-07T10:40:00Z"), 10))
        .containsExactly(Instant.parse("2026-12-07T10:15:00Z"), Instant.parse("2026-12-07T10:30:00Z"));
  }

  @Test
  void aScheduleTriggerWithoutASegmentOrWithABadExpressionIsRefused() {
    assertThat(dev.nudge.workflows.WorkflowParser.parse(WEEKLY.replace("  segment: readers\n", "")).problems())
        .extracting(dev.nudge.workflows.Problem::path).containsExactly("/trigger/segment");
    assertThat(dev.nudge.workflows.WorkflowParser.parse(WEEKLY.replace("cron(0 10 ? * MON *)", "cron(0 10 * *)"))
        .problems()).extracting(dev.nudge.workflows.Problem::path).containsExactly("/trigger/schedule");
  }
}
