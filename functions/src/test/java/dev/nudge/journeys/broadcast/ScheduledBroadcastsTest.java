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

  private static final String WEEKLY_TO_LIST = WEEKLY.replace("  segment: readers\n",
      "  list: customers\n  where: { attributes.plan: pro }\n");

  private static java.util.List<String> problemPaths(String definition) {
    return dev.nudge.workflows.WorkflowParser.parse(definition).problems().stream().map(dev.nudge.workflows.Problem::path)
        .toList();
  }

  @Test
  void aScheduleTriggerToAListWithAFilterParses() {
    var parsed = dev.nudge.workflows.WorkflowParser.parse(WEEKLY_TO_LIST);
    assertThat(parsed.problems()).isEmpty();
    var trigger = (dev.nudge.workflows.Workflow.ScheduleTrigger) parsed.workflow().trigger();
    assertThat(trigger.list()).isEqualTo("customers");
    assertThat(trigger.segment()).isNull();
    assertThat(trigger.where().criteria()).extracting(c -> c.path()).containsExactly("attributes.plan");
  }

  @Test
  void aScheduleTriggerWithBothASegmentAndAListIsRefusedAtTheList() {
    assertThat(problemPaths(WEEKLY.replace("  segment: readers\n", "  segment: readers\n  list: customers\n")))
        .containsExactly("/trigger/list");
  }

  @Test
  void aScheduleTriggerWithAFilterAloneIsRefusedAtTheFilterSuggestingASegment() {
    var problems = dev.nudge.workflows.WorkflowParser.parse(
        WEEKLY.replace("  segment: readers\n", "  where: { attributes.plan: pro }\n")).problems();
    assertThat(problems).extracting(dev.nudge.workflows.Problem::path).containsExactly("/trigger/where");
    assertThat(problems.get(0).message()).contains("segment");
  }

  @Test
  void aScheduleTriggersBadFilterIsRefusedWhereItIsWrong() {
    assertThat(problemPaths(WEEKLY_TO_LIST.replace("attributes.plan: pro", "attributes.plan: { between: 1 }")))
        .containsExactly("/trigger/where/attributes.plan/between");
  }

  @Test
  void anOccurrenceOfAScheduleToAListStartsARunToTheListWithItsFilter() {
    stack.publish(WEEKLY_TO_LIST);
    stack.clock.set(Instant.parse("2026-12-07T10:04:00Z"));

    assertThat(schedules.run()).extracting(ScheduledBroadcasts.Started::created).containsExactly(true);

    BroadcastRuns.Run run = runs.find("weekly-digest", "schedule-20261207T1000").orElseThrow();
    assertThat(run.list()).isEqualTo("customers");
    assertThat(run.where().path("attributes.plan").path("eq").asText()).isEqualTo("pro");
    var input = stack.executions.started.get(0).input();
    assertThat(input.path("list").asText()).isEqualTo("customers");
    assertThat(BroadcastAudience.fromState(input).filter().matches(dev.nudge.platform.Json.object()
        .set("attributes", dev.nudge.platform.Json.object().put("plan", "pro")))).isTrue();
  }
}
